using Spectre.Console;

namespace FedSharp.Cli;

/// <summary>
/// Shows a progress bar while long work runs, but only when stdout is a terminal and JSON was not asked for;
/// otherwise the work runs silently so that pipes and `--json` consumers see only their lines.
/// </summary>
internal static class TerminalProgress
{
    public static bool IsInteractive(bool json) => !json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/>, handing it a callback that moves the bar to (done, total).</summary>
    public static async Task<T> RunAsync<T>(bool json, string description, Func<Action<double, double>, Task<T>> work)
    {
        if (!IsInteractive(json))
        {
            return await work(static (_, _) => { });
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(description, maxValue: 1);
                result = await work((done, total) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = Math.Min(done, task.MaxValue);
                });
                task.Value = task.MaxValue;
            });
        return result;
    }
}
