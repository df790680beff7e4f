using FedSharp.Client.Training;
using FedSharp.Core.Protocol;

namespace FedSharp.Client;

public sealed partial class FederatedJob
{
    // SYSTEM_ERROR is the server's own fault (a store or strategy failing, or the job disabled by its operator): the
    // request was right and the same step may succeed later, so the client backs off on a doubling interval instead of
    // stopping, and gives up only when the server fails MaxTransportRetries times in a row.
    private async Task<bool> BackOffAfterSystemErrorAsync(
        List<IterationReport>? reports, string round, int iteration, string reason, LocalTrainingResult? training, RunContext run, CancellationToken cancellationToken)
    {
        string explained = string.IsNullOrEmpty(reason) ? "(no reason given)" : reason;
        if (run.SystemErrors >= _options.MaxTransportRetries)
        {
            throw new FederatedJobException(
                round,
                iteration,
                Retcode.SystemError,
                $"Client '{_options.ClientId}' stopped: the server answered {round} in iteration {iteration} with SystemError {run.SystemErrors + 1} times in a row, "
                + $"after {run.SystemErrors} retries (FederatedJobOptions.MaxTransportRetries = {_options.MaxTransportRetries}): {explained} "
                + "Check the server's log and its store; run the job again once the server is healthy.");
        }

        run.SystemErrors++;
        TimeSpan delay = run.SystemErrorBackoff;
        run.SystemErrorBackoff = delay * 2 > _options.MaxSingleWait ? _options.MaxSingleWait : delay * 2;
        if (reports is not null)
        {
            Report(reports, new IterationReport(
                _options.ClientId, iteration, IterationParticipation.ServerFault, null, explained, training?.MeanLoss, training?.SampleCount ?? 0, null, _time.GetUtcNow() + delay));
        }

        return await WaitAsync(delay, run, cancellationToken).ConfigureAwait(false);
    }

    private RunContext NewRun(TimeSpan? limit)
    {
        TimeSpan firstBackoff = _options.RetryInterval > _options.MaxSingleWait ? _options.MaxSingleWait : _options.RetryInterval;
        return new RunContext(limit is { } span ? _time.GetUtcNow() + span : null, firstBackoff);
    }

    // One call's deadline and its run of consecutive SYSTEM_ERROR replies. GetModelAsync may run beside RunAsync, so
    // the count belongs to the call, not to the job.
    private sealed class RunContext(DateTimeOffset? until, TimeSpan firstBackoff)
    {
        private readonly TimeSpan _firstBackoff = firstBackoff;

        public DateTimeOffset? Until { get; } = until;

        public int SystemErrors { get; set; }

        public TimeSpan SystemErrorBackoff { get; set; } = firstBackoff;

        // Any other reply shows the server working again, so the next fault starts a fresh count and back-off.
        public void ServerAnswered()
        {
            SystemErrors = 0;
            SystemErrorBackoff = _firstBackoff;
        }
    }
}
