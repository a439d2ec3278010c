using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Api;

public sealed record AlertChange(string AlertId);

/// <summary>
/// The company's alerts for dispatchers and admins (DESIGN 3.4). Marking read and deleting tell the company group, so
/// every open dashboard follows.
/// </summary>
public sealed class AlertsApiHandler(IAlertStore alerts, IRealtimePublisher publisher, TimeProvider timeProvider)
{
    public const int DefaultLimit = 50;

    public async Task<ApiResult<IReadOnlyList<AlertPayload>>> ListAsync(FleetCaller caller, int? limit, bool unreadOnly, CancellationToken cancellationToken)
    {
        if (Refuse(caller) is { } refusal)
        {
            return refusal;
        }

        if (limit is < 1 or > AlertQuery.MaxLimit)
        {
            return ApiProblem.BadRequest($"limit must be between 1 and {AlertQuery.MaxLimit}.");
        }

        var stored = await alerts.ListAsync(
            caller.CompanyId, new AlertQuery(limit ?? DefaultLimit, unreadOnly, timeProvider.GetUtcNow()), cancellationToken);
        return ApiResult<IReadOnlyList<AlertPayload>>.Ok([.. stored.Select(alert => AlertPayload.From(alert.Alert, alert.Read))]);
    }

    public Task<ApiResult> MarkReadAsync(FleetCaller caller, string alertId, CancellationToken cancellationToken) =>
        ChangeAsync(caller, alertId, RealtimeMessageTypes.AlertRead, alerts.MarkReadAsync, cancellationToken);

    public Task<ApiResult> DeleteAsync(FleetCaller caller, string alertId, CancellationToken cancellationToken) =>
        ChangeAsync(caller, alertId, RealtimeMessageTypes.AlertDeleted, alerts.DeleteAsync, cancellationToken);

    private async Task<ApiResult> ChangeAsync(
        FleetCaller caller,
        string alertId,
        string messageType,
        Func<string, string, CancellationToken, Task<bool>> change,
        CancellationToken cancellationToken)
    {
        if (Refuse(caller) is { } refusal)
        {
            return refusal;
        }

        if (!await change(caller.CompanyId, alertId, cancellationToken))
        {
            return ApiProblem.NotFound($"No alert '{alertId}'.");
        }

        // Outside a telemetry batch there is no sequence number to allocate: a change message carries none, and a
        // dashboard that misses it still converges on its next fetch.
        var envelope = new RealtimeEnvelope(messageType, caller.CompanyId, Seq: null, timeProvider.GetUtcNow(), new AlertChange(alertId));
        await publisher.PublishAsync([new RealtimeMessage(RealtimeTarget.Group(RealtimeGroups.Company(caller.CompanyId)), envelope)], cancellationToken);
        return ApiResult.NoContent;
    }

    private static ApiProblem? Refuse(FleetCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.SeesWholeCompany ? null : ApiProblem.Forbidden("Alerts are for the company's dispatchers and admins.");
    }
}
