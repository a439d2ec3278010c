using System.Text.RegularExpressions;
using Fleet.Core.Devices;

namespace Fleet.Core.Tests.Devices;

/// <summary>Device tokens (DESIGN 3.5): <c>fdk_{credential id}_{secret}</c>, only the secret's hash kept.</summary>
public sealed partial class DeviceTokensTests
{
    public static TheoryData<string?> Malformed => new()
    {
        null,
        "",
        "dc-abc_secret",
        "FDK_dc-abc_secret",
        "fdk_",
        "fdk_dc-abc",
        "fdk_dc-abc_",
        "fdk__secret",
        "fdk_dc-abc_" + new string('s', 256 - "fdk_dc-abc_".Length + 1),
        "fdk_dc/abc_secret",
        "fdk_dc abc_secret",
        "fdk_-dc-abc_secret",
        "fdk_d\u00e9-abc_secret",
        "fdk_" + new string('d', 65) + "_secret",
    };

    [Fact]
    public void A_created_token_parses_back_to_its_credential_id_and_a_secret_that_matches_the_hash()
    {
        var (token, hash) = DeviceTokens.Create("dc-7kq2mz9xw4tc");

        var parsed = DeviceTokens.Parse(token);

        Assert.NotNull(parsed);
        Assert.Equal("dc-7kq2mz9xw4tc", parsed.Value.CredentialId);
        Assert.True(DeviceTokens.Matches(parsed.Value.Secret, hash));
        Assert.Equal(32, hash.Length);
        Assert.True(DeviceTokens.LooksLikeToken(token));
    }

    [Fact]
    public void Another_secret_does_not_match_the_hash()
    {
        var (token, hash) = DeviceTokens.Create("dc-1");
        var secret = DeviceTokens.Parse(token)!.Value.Secret;
        var (_, otherHash) = DeviceTokens.Create("dc-1");

        Assert.False(DeviceTokens.Matches(secret + "x", hash));
        Assert.False(DeviceTokens.Matches(secret[..^1], hash));
        Assert.False(DeviceTokens.Matches(secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), hash));
        Assert.False(DeviceTokens.Matches("", hash));
        Assert.False(DeviceTokens.Matches(secret, otherHash));
        Assert.False(DeviceTokens.Matches(secret, []));
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_token_not_shaped_like_one_parses_to_null(string? token)
    {
        Assert.Null(DeviceTokens.Parse(token));
    }

    [Fact]
    public void A_token_of_256_characters_still_parses_and_its_secret_may_hold_the_separator()
    {
        var longest = "fdk_dc-abc_" + new string('s', 256 - "fdk_dc-abc_".Length);
        var split = DeviceTokens.Parse("fdk_dc-abc_se_cret");

        Assert.Equal(256, longest.Length);
        Assert.Equal("dc-abc", DeviceTokens.Parse(longest)?.CredentialId);
        Assert.Equal(("dc-abc", "se_cret"), split);
    }

    [Fact]
    public void Two_created_tokens_differ_even_for_the_same_credential_id()
    {
        var first = DeviceTokens.Create("dc-1");
        var second = DeviceTokens.Create("dc-1");

        Assert.NotEqual(first.Token, second.Token);
        Assert.NotEqual(first.SecretHash, second.SecretHash);
    }

    [Fact]
    public void A_token_is_url_safe_and_its_secret_is_256_bits_in_unpadded_base64url()
    {
        for (var i = 0; i < 200; i++)
        {
            var (token, _) = DeviceTokens.Create("dc-7kq2mz9xw4tc");

            Assert.StartsWith(DeviceTokens.Prefix, token, StringComparison.Ordinal);
            Assert.Matches(UrlSafe(), token[DeviceTokens.Prefix.Length..]);
            Assert.Equal(token, Uri.EscapeDataString(token));
            Assert.Equal(43, DeviceTokens.Parse(token)!.Value.Secret.Length);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex UrlSafe();
}
