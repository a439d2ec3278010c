using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Api;

public sealed record AlertChange(string AlertId);

/// <param name="SourceId">The raising system's own id: sending the same one again rewrites the same alert.</param>
public sealed record AlertRequest(string? Type, string? Severity, string? Title, string? Message, string? VehicleId, string? SourceId, double? ExpiresInSeconds);

/// <summary>
/// The company's alerts for dispatchers and admins (DESIGN 3.4). Marking read and deleting tell the company group, so
/// every open dashboard follows.
/// </summary>
public sealed class AlertsApiHandler(
    IAlertStore alerts, IAlertOutbox outbox, IRealtimePublisher publisher, IFleetConfiguration configuration, TimeProvider timeProvider)
{
    public const int MaxTitleLength = 200;
    public const int MaxMessageLength = 2_000;

    public static readonly PageSize ListPageSize = new(Default: 50, Max: AlertQuery.MaxLimit);
    public static readonly TimeSpan DefaultRaisedLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxRaisedLifetime = TimeSpan.FromDays(90);

    /// <summary>
    /// The company's unexpired alerts, newest raised first (an offline alert raised now about a fix minutes old is the
    /// newest), a page at a time: pass <see cref="ApiResult{T}.NextAfter"/> back as <paramref name="after"/>. An alert
    /// keeps when it was raised, so pages neither skip nor repeat one.
    /// </summary>
    public async Task<ApiResult<IReadOnlyList<AlertPayload>>> ListAsync(
        FleetCaller caller, int? limit, bool unreadOnly, string? after, CancellationToken cancellationToken)
    {
        if (Refuse(caller) is { } refusal)
        {
            return refusal;
        }

        var (size, invalidLimit) = ListPageSize.Of(limit);
        var (cursor, invalidAfter) = PageCursors.ReadNewestFirst(after);
        if ((invalidLimit ?? invalidAfter) is { } invalid)
        {
            return invalid;
        }

        var page = await alerts.ListAsync(caller.CompanyId, new AlertQuery(size, unreadOnly, timeProvider.GetUtcNow(), cursor), cancellationToken);
        return ApiResult<IReadOnlyList<AlertPayload>>.Ok(
            [.. page.Items.Select(alert => AlertPayload.From(alert.Alert, alert.Read))],
            page.More ? PageCursors.Write(new NewestFirstCursor(page.Items[^1].Alert.CreatedAt, page.Items[^1].Alert.Id)) : null);
    }

    /// <summary>An alert from another system (admins only), stored and told to the company group like any other.</summary>
    public async Task<ApiResult<AlertPayload>> RaiseAsync(FleetCaller caller, AlertRequest? request, CancellationToken cancellationToken)
    {
        if (VehiclesApiHandler.AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Title) || string.IsNullOrWhiteSpace(request.Message))
        {
            return ApiProblem.BadRequest("type, severity, title and message are required.");
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Title.Length > MaxTitleLength)
        {
            errors["title"] = $"title may be at most {MaxTitleLength} characters.";
        }

        if (request.Message.Length > MaxMessageLength)
        {
            errors["message"] = $"message may be at most {MaxMessageLength} characters.";
        }

        if (request.SourceId?.Length > MaxTitleLength)
        {
            errors["source_id"] = $"source_id may be at most {MaxTitleLength} characters.";
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors);
        }

        // An alert names a vehicle of the caller's company or none: another company's id would mislead its readers.
        if (request.VehicleId is { } vehicleId && (await configuration.VehiclesOfAsync(caller.CompanyId, cancellationToken)).All(vehicle => vehicle.VehicleId != vehicleId))
        {
            return ApiProblem.InvalidField("vehicle_id", $"vehicle_id: this company has no vehicle '{vehicleId}'.");
        }

        if (!ApiText.TryParse<AlertType>(request.Type, out var type) || !ApiText.TryParse<AlertSeverity>(request.Severity, out var severity))
        {
            return ApiProblem.BadRequest($"type must be one of {ApiText.Choices<AlertType>()}; severity one of {ApiText.Choices<AlertSeverity>()}.");
        }

        // Checked as a number first: a huge value must be a 400, not an overflow on the way to a TimeSpan.
        if (request.ExpiresInSeconds is { } seconds && !(seconds >= 1 && seconds <= MaxRaisedLifetime.TotalSeconds))
        {
            return ApiProblem.BadRequest($"expires_in_seconds must be between 1 and {MaxRaisedLifetime.TotalSeconds}.");
        }

        var lifetime = request.ExpiresInSeconds is { } valid ? TimeSpan.FromSeconds(valid) : DefaultRaisedLifetime;

        var now = timeProvider.GetUtcNow();
        var id = request.SourceId is { Length: > 0 } sourceId ? DeterministicId.For(caller.CompanyId, "api", sourceId) : Guid.NewGuid().ToString("N");

        // Sent again, it is the same alert rewritten: it keeps when it was first raised, as every version of an alert does
        // (IAlertSink), so it keeps its place in the list and its stored entity.
        var sentBefore = request.SourceId is { Length: > 0 } ? await alerts.GetAsync(caller.CompanyId, id, cancellationToken) : null;
        var raisedAt = sentBefore is { } sent && sent.Alert.ExpiresAt > now ? sent.Alert.CreatedAt : now;
        var alert = new Alert(id, caller.CompanyId, type, severity, request.Title, request.Message, now, raisedAt, now + lifetime, request.VehicleId);
        await alerts.UpsertAsync([alert], cancellationToken);
        var payload = AlertPayload.From(alert, read: false);
        await PublishToCompanyAsync(caller.CompanyId, RealtimeMessageTypes.Alert, payload, cancellationToken);
        return ApiResult<AlertPayload>.Created(payload);
    }

    public Task<ApiResult> MarkReadAsync(FleetCaller caller, string alertId, CancellationToken cancellationToken) =>
        ChangeAsync(caller, alertId, RealtimeMessageTypes.AlertRead, alerts.MarkReadAsync, cancellationToken);

    /// <summary>
    /// The outbox forgets the alert first, so the write it makes once more after delivery (in case the store lost it)
    /// cannot bring back what the user deleted.
    /// </summary>
    public Task<ApiResult> DeleteAsync(FleetCaller caller, string alertId, CancellationToken cancellationToken) =>
        ChangeAsync(
            caller,
            alertId,
            RealtimeMessageTypes.AlertDeleted,
            async (companyId, id, token) =>
            {
                await outbox.ForgetAsync(companyId, id, token);
                return await alerts.DeleteAsync(companyId, id, token);
            },
            cancellationToken);

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

        await PublishToCompanyAsync(caller.CompanyId, messageType, new AlertChange(alertId), cancellationToken);
        return ApiResult.NoContent;
    }

    // Outside a telemetry batch there is no sequence number to allocate: these messages carry none, and a dashboard
    // that misses one still converges on its next fetch.
    private Task PublishToCompanyAsync(string companyId, string type, object data, CancellationToken cancellationToken) =>
        publisher.PublishAsync(
            [new RealtimeMessage(RealtimeTarget.Group(RealtimeGroups.Company(companyId)), new RealtimeEnvelope(type, companyId, Seq: null, timeProvider.GetUtcNow(), data))],
            cancellationToken);

    private static ApiProblem? Refuse(FleetCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.SeesWholeCompany ? null : ApiProblem.Forbidden("Alerts are for the company's dispatchers and admins.");
    }
}
