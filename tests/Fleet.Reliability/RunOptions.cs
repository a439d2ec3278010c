using System.Globalization;
using Fleet.Reliability.Experiments;
using Fleet.Reliability.Workload;

namespace Fleet.Reliability;

/// <summary>The command line: which experiments, and the figures that size them (README in docs/RELIABILITY.md).</summary>
internal sealed record RunOptions(IReadOnlyList<Experiment> Experiments, ExperimentPlan Plan, string ResultsDirectory, bool Quick)
{
    public const string Usage = """
        Fleet.Reliability [experiment ...|all] [--quick] [options]
          experiments: pg-fast-stop pg-kill pg-restart azurite-kill host-kill host-kill-pg-down soak (default: all)
          --quick                 shorter timings: warm-up 10 s, after 20 s, outage 10 s, soak 60 s
          --rate N                events per second (default 1000)
          --devices N             simulated devices, one vehicle each (default 200)
          --lanes N               concurrent senders (default 20)
          --warmup-seconds N      steady load before the fault (default 20)
          --after-seconds N       load after the fault ended (default 40)
          --outage-seconds N      how long a stopped server stays down (default 20)
          --soak-seconds N        the soak's duration (default 600)
          --clients N             SignalR clients during the soak (default 50)
          --sample-seconds N      the soak's health/RSS sampling interval (default 5)
          --drain-timeout N       seconds to wait for the host to drain its partitions (default 180)
          --alert-timeout N       seconds to wait for alerts of stored fixes (default 120)
          --harsh-every N         every N-th fix of a device reports harsh braking (default 25)
          --attempts N            tries of a refused request before its events count as refused (default 3)
          --lag-threshold N       lag in seconds counted as caught up (default 1)
          --out DIR               where the report, health samples and logs go (default artifacts/reliability/<time>)
        """;

    public static RunOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var names = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var quick = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--quick")
            {
                quick = true;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                values[arg[2..]] = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            }
            else
            {
                names.Add(arg);
            }
        }

        var experiments = names.Count == 0 || names.Contains("all")
            ? Experiment.All
            : names.Select(name => Experiment.All.FirstOrDefault(experiment => experiment.Name == name)
                ?? throw new ArgumentException($"No experiment '{name}'; there are {string.Join(", ", Experiment.All.Select(e => e.Name))}.")).ToList();

        double Number(string name, double normal, double quickValue)
        {
            var value = values.Remove(name, out var text) ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) : quick ? quickValue : normal;
            return value > 0 || name is "after-seconds" or "warmup-seconds" ? value : throw new ArgumentException($"--{name} must be positive.");
        }

        TimeSpan Seconds(string name, double normal, double quickValue) => TimeSpan.FromSeconds(Number(name, normal, quickValue));

        var load = new LoadSettings(
            Number("rate", 1000, 1000),
            (int)Number("lanes", 20, 20),
            (int)Number("harsh-every", 25, 25),
            (int)Number("attempts", 3, 3),
            TimeSpan.FromSeconds(10));
        var plan = new ExperimentPlan(
            load,
            (int)Number("devices", 200, 200),
            Seconds("warmup-seconds", 20, 10),
            Seconds("after-seconds", 40, 20),
            Seconds("outage-seconds", 20, 10),
            TimeSpan.FromSeconds(2),
            Seconds("soak-seconds", 600, 60),
            (int)Number("clients", 50, 50),
            TimeSpan.FromSeconds(1),
            Seconds("sample-seconds", 5, 5),
            Seconds("drain-timeout", 180, 120),
            Seconds("alert-timeout", 120, 90),
            Number("lag-threshold", 1, 1));
        var results = values.Remove("out", out var outDirectory)
            ? Path.GetFullPath(outDirectory)
            : Path.Combine(repositoryRoot, "artifacts", "reliability", DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", values.Keys.Select(key => "--" + key))}.");
        }

        if (plan.Devices < plan.Load.Lanes)
        {
            throw new ArgumentException("--devices must be at least --lanes.");
        }

        return new RunOptions(experiments, plan, results, quick);
    }

    public string Describe()
    {
        var plan = Plan;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{(Quick ? "quick, " : "")}{plan.Load.Rate:0} events/s from {plan.Devices} devices in {plan.Load.Lanes} lanes (Event Hubs REST batches, one fix per device each); warm-up {plan.Warmup.TotalSeconds:0} s, after the fault {plan.After.TotalSeconds:0} s, outage {plan.Outage.TotalSeconds:0} s; soak {plan.Soak.TotalSeconds:0} s with {plan.SoakClients} SignalR clients; harsh braking every {plan.Load.HarshEvery} fixes; {plan.Load.Attempts} attempts a request; caught up at lag <= {plan.LagThresholdSeconds} s");
    }
}
