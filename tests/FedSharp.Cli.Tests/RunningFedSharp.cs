using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace FedSharp.Cli.Tests;

/// <summary>
/// A long-running `fedsharp` process (a server or a device) whose standard output is read line by line while it runs,
/// so a test can act on what it reports: kill it with SIGKILL after an iteration, or wait for its exit.
/// </summary>
internal sealed class RunningFedSharp : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly string _name;

    private RunningFedSharp(string name, Process process)
    {
        _name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
                return;
            }

            lock (_output)
            {
                _output.AppendLine(e.Data);
            }

            _lines.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_error)
            {
                _error.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything written to standard error so far, for failure messages.</summary>
    public string StandardError
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Everything written to standard output so far.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public static RunningFedSharp Start(string name, string workingDirectory, params string[] args)
    {
        return new RunningFedSharp(name, Process.Start(FedSharpProcess.StartInfo(workingDirectory, args))!);
    }

    /// <summary>As <see cref="Start(string, string, string[])"/>, with extra environment variables.</summary>
    public static RunningFedSharp Start(string name, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        ProcessStartInfo start = FedSharpProcess.StartInfo(workingDirectory, args);
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        return new RunningFedSharp(name, Process.Start(start)!);
    }

    /// <summary>Reads output lines until one parses as JSON and satisfies <paramref name="match"/>; fails on exit or timeout.</summary>
    public async Task<JsonElement> WaitForLineAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (string line in _lines.Reader.ReadAllAsync(cancel.Token))
            {
                if (line.StartsWith('{') && JsonDocument.Parse(line).RootElement is var json && match(json))
                {
                    return json.Clone();
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} printed no matching line within {timeout}. Output:\n{StandardOutput}\nErrors:\n{StandardError}");
        }

        throw new InvalidOperationException($"{_name} ended its output without a matching line. Output:\n{StandardOutput}\nErrors:\n{StandardError}");
    }

    /// <summary>SIGKILL: the process gets no chance to flush, checkpoint or close its sockets.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an operator stops a server; then waits for the exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await WaitForExitAsync(timeout);
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} did not exit within {timeout}. Output:\n{StandardOutput}\nErrors:\n{StandardError}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
