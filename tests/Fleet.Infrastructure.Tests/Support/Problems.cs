namespace Fleet.Infrastructure.Tests.Support;

internal static class Problems
{
    /// <summary>Fails with every problem in full, one a line (Assert.Empty cuts long items short).</summary>
    public static void AssertNone(IEnumerable<string> problems)
    {
        var found = problems.ToList();
        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
    }
}
