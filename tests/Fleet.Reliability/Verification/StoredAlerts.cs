using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Fleet.Core.Alerts;
using Fleet.Reliability.Workload;

namespace Fleet.Reliability.Verification;

/// <summary>
/// The alerts the product wrote to Table Storage for the harness's company (table <c>alerts</c>, partition = company),
/// and the harsh-braking alerts the accepted traffic must have raised: one per accepted flagged fix, with the id the
/// product derives for it (<see cref="DeterministicId"/>: vehicle, <c>driver_event</c>, <c>harsh_braking</c> and the
/// fix time's ticks).
/// </summary>
internal static class StoredAlerts
{
    public static string ExpectedId(string vehicleId, long fixUnixMs) =>
        DeterministicId.ForAlert(
            vehicleId,
            AlertType.DriverEvent,
            DriverEventCodes.HarshBraking + "\n" + DateTimeOffset.FromUnixTimeMilliseconds(fixUnixMs).UtcTicks.ToString(CultureInfo.InvariantCulture));

    /// <summary>Every alert id in the company's partition, by alert type; empty when the table does not exist yet.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(string connectionString, string companyId, CancellationToken cancellationToken)
    {
        var table = new TableClient(connectionString, "alerts", new TableClientOptions { Retry = { MaxRetries = 1 } });
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {companyId}"), select: ["AlertId", "Type"], cancellationToken: cancellationToken))
            {
                found[entity.GetString("AlertId")] = entity.GetString("Type") ?? "";
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No alert was ever written: the product creates the table at first use.
        }

        return found;
    }
}

/// <summary>The expected harsh-braking alerts against those stored.</summary>
/// <param name="Expected">Accepted fixes that carried the flag.</param>
/// <param name="ExpectedOfStored">Of those, the ones whose fix is stored: an alert the product cannot have forgotten by losing the fix.</param>
/// <param name="MissingOfStored">Stored flagged fixes without their alert.</param>
/// <param name="MissingNearAzuriteKill">
/// Of <paramref name="MissingOfStored"/>, those whose fix was made within Azurite's autosave interval before its kill:
/// writes Azurite acknowledged and then lost, which only writing them again makes good.
/// </param>
/// <param name="ByType">Every alert of the company by type, the offline alerts of silent vehicles among them.</param>
internal sealed record AlertMatch(
    int Expected,
    int Present,
    int ExpectedOfStored,
    int MissingOfStored,
    int MissingNearAzuriteKill,
    int Unexpected,
    IReadOnlyDictionary<string, int> ByType,
    TimeSpan? Waited)
{
    public int Missing => Expected - Present;

    public static AlertMatch Compare(
        IReadOnlyList<DeviceTrack> tracks,
        StoredPositions stored,
        IReadOnlyDictionary<string, string> alerts,
        (DateTimeOffset From, DateTimeOffset To)? azuriteLossWindow,
        TimeSpan? waited)
    {
        int expected = 0, present = 0, expectedOfStored = 0, missingOfStored = 0, nearKill = 0;
        var expectedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var track in tracks)
        {
            stored.Positions.TryGetValue(track.Device.DeviceId, out var times);
            foreach (var fix in track.Fixes.Where(fix => fix.Harsh))
            {
                var id = StoredAlerts.ExpectedId(track.Device.VehicleId, fix.UnixMs);
                expectedIds.Add(id);
                if (!fix.Accepted)
                {
                    continue;
                }

                expected++;
                var isPresent = alerts.ContainsKey(id);
                present += isPresent ? 1 : 0;
                var fixStored = times?.Contains(fix.UnixMs) == true;
                expectedOfStored += fixStored ? 1 : 0;
                missingOfStored += fixStored && !isPresent ? 1 : 0;
                if (fixStored && !isPresent && azuriteLossWindow is { } window)
                {
                    var at = DateTimeOffset.FromUnixTimeMilliseconds(fix.UnixMs);
                    nearKill += at >= window.From && at <= window.To ? 1 : 0;
                }
            }
        }

        var driverEvents = AlertType.DriverEvent.ToCode();
        var unexpected = alerts.Count(alert => alert.Value == driverEvents && !expectedIds.Contains(alert.Key));
        var byType = alerts.GroupBy(alert => alert.Value).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        return new AlertMatch(expected, present, expectedOfStored, missingOfStored, nearKill, unexpected, byType, waited);
    }
}
