using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters;

/// <summary>
/// Logs the first failed attempt of each request to an Azure dependency at Warning, naming the dependency. The SDKs
/// retry on their own for many seconds without a line in the app's log, so an outage would otherwise show only once
/// the retries ran out. Placed per retry, it sees every attempt and speaks at the first.
/// </summary>
internal sealed class FirstFailureWarningPolicy(ILogger logger, string dependency) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception exception) when (IsFirstAttempt(message))
        {
            Log.DependencyFailing(logger, exception, dependency, message.Request.Method.ToString(), null);
            throw;
        }

        ReportRetriableResponse(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        catch (Exception exception) when (IsFirstAttempt(message))
        {
            Log.DependencyFailing(logger, exception, dependency, message.Request.Method.ToString(), null);
            throw;
        }

        ReportRetriableResponse(message);
    }

    private static bool IsFirstAttempt(HttpMessage message) =>
        message.ProcessingContext.RetryNumber == 0 && !message.CancellationToken.IsCancellationRequested;

    private void ReportRetriableResponse(HttpMessage message)
    {
        if (IsFirstAttempt(message) && message.HasResponse && message.ResponseClassifier.IsRetriableResponse(message))
        {
            Log.DependencyFailing(logger, null, dependency, message.Request.Method.ToString(), message.Response.Status);
        }
    }
}
