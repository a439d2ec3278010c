namespace Fleet.Adapters.Auth;

/// <summary>The claims read from a user token. Who the user is comes from here; what they may do never does.</summary>
public static class FleetClaims
{
    public const string Subject = "sub";

    public const string TenantId = "tid";

    /// <summary>App roles (Entra ID): <c>Fleet.Operator</c> marks platform operators.</summary>
    public const string Roles = "roles";

    public const string Name = "name";

    public const string PreferredUsername = "preferred_username";

    public const string Email = "email";

    /// <summary>The company a development token asks to act for: a choice among the user's memberships, never a grant.</summary>
    public const string CompanyHint = "company_id";

    /// <summary>The user id claim of Azure SignalR Service client tokens.</summary>
    public const string SignalRUserId = "nameid";
}
