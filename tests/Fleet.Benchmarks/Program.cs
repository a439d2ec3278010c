using System.Diagnostics;
using BenchmarkDotNet.Running;
using Fleet.Core.Pipeline;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Benchmarks;

public static class Program
{
    /// <summary><c>profile</c> describes the workload (how many fixes fire a rule); anything else goes to BenchmarkDotNet.</summary>
    public static void Main(string[] args)
    {
        if (args is ["profile"])
        {
            Profile(Workloads.Standard());
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    private static void Profile(FleetWorkload workload)
    {
        var contexts = workload.Contexts();
        var states = new Dictionary<string, VehicleState>(StringComparer.Ordinal);
        int fixes = 0, firing = 0, alerts = 0, notices = 0, rejected = 0;
        var stopwatch = Stopwatch.StartNew();
        foreach (var batch in workload.Batches)
        {
            foreach (var group in batch.Select(e => TelemetryParser.Parse(e).Fix!).GroupBy(fix => fix.DeviceId[4..]))
            {
                var context = contexts[group.Key];
                foreach (var fix in group.OrderBy(fix => fix.FixTime))
                {
                    // One fix at a time, to attribute each rule firing to the fix that caused it.
                    var outcome = VehiclePipeline.Run(context, states.GetValueOrDefault(group.Key) ?? VehicleState.Initial(context.Vehicle), [fix]);
                    states[group.Key] = outcome.State;
                    fixes++;
                    alerts += outcome.Alerts.Count;
                    notices += outcome.Notices.Count;
                    rejected += outcome.Rejections.Count;
                    firing += outcome.Alerts.Count > 0 || outcome.Trips.Count > 0 ? 1 : 0;
                }
            }
        }

        Console.WriteLine($"companies {workload.Companies.Count}, vehicles {workload.Vehicles.Count}, fences {workload.Companies.Sum(c => c.Geofences.All.Count)}");
        Console.WriteLine($"events {workload.EventCount} in {workload.Batches.Count} batches; fixes {fixes}, rejected {rejected}");
        Console.WriteLine($"fixes firing a rule (alert or trip change) {firing} = {100.0 * firing / fixes:0.0} %; alerts {alerts}; notices {notices}");
        Console.WriteLine($"profile pass took {stopwatch.Elapsed.TotalSeconds:0.00} s (one fix per call, not the benchmark)");
    }
}
