namespace Fleet.Adapters.Auth;

/// <summary>The claims a user token carries. Company, role and vehicles come only from here, never from a request.</summary>
public static class FleetClaims
{
    public const string Subject = "sub";
    public const string CompanyId = "company_id";
    public const string Role = "role";

    /// <summary>Repeated: the vehicles a driver drives or a viewer was granted.</summary>
    public const string VehicleIds = "vehicle_ids";

    /// <summary>The user id claim of Azure SignalR Service client tokens.</summary>
    public const string SignalRUserId = "nameid";
}
