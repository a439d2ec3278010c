using System.Globalization;

namespace Fleet.Reliability.Processes;

/// <summary>
/// Everything the harness started or made, undone in reverse order when a run ends, fails or is interrupted. It also
/// keeps a manifest of the live process ids (one "pid marker" a line) so that <c>tests/reliability/run.sh</c> can end
/// them should the harness itself be killed before it cleans up; the marker is a text the process's command line holds,
/// so a pid reused by an unrelated process is left alone.
/// </summary>
internal sealed class Cleanup : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<(string Name, Func<Task> Undo)> _undo = [];
    private readonly Dictionary<int, string> _live = [];
    private readonly string _manifest;
    private bool _done;

    public Cleanup(string manifestPath)
    {
        _manifest = manifestPath;
        WriteManifest();
    }

    /// <summary>Registers an undo step: idempotent, it acts on whatever state its owner is in when the run ends.</summary>
    public void Add(string name, Func<Task> undo)
    {
        lock (_lock)
        {
            _undo.Add((name, undo));
        }
    }

    public void Track(int pid, string marker)
    {
        lock (_lock)
        {
            _live[pid] = marker;
        }

        WriteManifest();
    }

    public void Untrack(int pid)
    {
        lock (_lock)
        {
            _live.Remove(pid);
        }

        WriteManifest();
    }

    public async ValueTask DisposeAsync()
    {
        List<(string Name, Func<Task> Undo)> steps;
        lock (_lock)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            steps = [.. _undo];
            _undo.Clear();
        }

        steps.Reverse();
        foreach (var (name, undo) in steps)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await undo().WaitAsync(timeout.Token);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"cleanup: {name} failed: {exception.Message}");
            }
        }

        lock (_lock)
        {
            _live.Clear();
        }

        File.Delete(_manifest);
    }

    private void WriteManifest()
    {
        string text;
        lock (_lock)
        {
            if (_done && _live.Count == 0)
            {
                return;
            }

            text = string.Concat(_live.Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {pair.Value}\n")));
        }

        File.WriteAllText(_manifest, text);
    }
}
