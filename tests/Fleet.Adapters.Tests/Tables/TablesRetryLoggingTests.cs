using System.Collections.Concurrent;
using System.Net;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>
/// A Table Storage outage shows in the log at its first failed request (issue 17: each failing alert write retried for
/// about 12 s without a line).
/// </summary>
public sealed class TablesRetryLoggingTests
{
    [Fact]
    public async Task The_first_failed_attempt_of_a_request_is_a_warning_naming_table_storage_and_its_retries_say_nothing_more()
    {
        var logger = new WarningsLogger();
        var options = FleetComposition.TablesClientOptions(logger);
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var service = new ServiceAnswering(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent);
        options.Transport = new HttpClientTransport(new HttpClient(service));
        var table = new TableServiceClient("UseDevelopmentStorage=true", options).GetTableClient("alerts");

        await table.UpsertEntityAsync(new TableEntity("c-1", "a-1"));

        Assert.Equal(3, service.Attempts);
        var warning = Assert.Single(logger.Warnings);
        Assert.Contains("Table Storage", warning, StringComparison.Ordinal);
        Assert.Contains("503", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_succeeds_or_fails_for_good_at_once_is_not_reported_as_an_outage()
    {
        var logger = new WarningsLogger();
        var options = FleetComposition.TablesClientOptions(logger);
        options.Transport = new HttpClientTransport(new HttpClient(new ServiceAnswering(HttpStatusCode.NoContent, HttpStatusCode.Conflict)));
        var table = new TableServiceClient("UseDevelopmentStorage=true", options).GetTableClient("alerts");

        await table.UpsertEntityAsync(new TableEntity("c-1", "a-1"));
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => table.AddEntityAsync(new TableEntity("c-1", "a-1")));

        Assert.Empty(logger.Warnings);
    }

    /// <summary>Answers each request with the next status, the last one for ever after.</summary>
    private sealed class ServiceAnswering(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => _attempts;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            var status = statuses[Math.Min(attempt, statuses.Length) - 1];
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("") });
        }
    }

    private sealed class WarningsLogger : ILogger
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IReadOnlyList<string> Warnings => [.. _warnings];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                _warnings.Enqueue(formatter(state, exception));
            }
        }
    }
}
