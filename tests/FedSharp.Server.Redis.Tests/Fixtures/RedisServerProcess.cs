using System.Diagnostics;
using System.Text;

namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>
/// A real Debian <c>/usr/bin/redis-server</c> started as a child process on a free loopback port, in memory only
/// (<c>--save "" --appendonly no</c>) and in a temporary directory, killed and cleaned up on dispose.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    public const string ServerPath = "/usr/bin/redis-server";
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output;

    private RedisServerProcess(Process process, string directory, StringBuilder output, int port)
    {
        _process = process;
        _directory = directory;
        _output = output;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts redis-server with <paramref name="extraArguments"/> and waits until it answers PING. With
    /// <paramref name="tls"/> the port is a TLS port with those certificates (the plain port is off).
    /// </summary>
    public static async Task<RedisServerProcess> StartAsync(IEnumerable<string>? extraArguments = null, TestCertificates? tls = null)
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException($"{ServerPath} is missing; these tests need a real Redis: apt-get install redis-server (.ci/run installs it).");
        }

        // A port that was free a moment ago can be taken before redis-server binds it; try a few.
        Exception? last = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            int port = FreePort.Next();
            string directory = Directory.CreateTempSubdirectory("fedsharp-redis-").FullName;
            var start = new ProcessStartInfo(ServerPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            foreach (string argument in new[] { "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--dir", directory, "--daemonize", "no" })
            {
                start.ArgumentList.Add(argument);
            }

            if (tls is not null)
            {
                foreach (string argument in new[]
                {
                    "--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--tls-cert-file", tls.ServerCertificatePath, "--tls-key-file", tls.ServerKeyPath,
                    "--tls-ca-cert-file", tls.CaCertificatePath, "--tls-auth-clients", "yes",
                })
                {
                    start.ArgumentList.Add(argument);
                }
            }
            else
            {
                start.ArgumentList.Add("--port");
                start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            foreach (string argument in extraArguments ?? [])
            {
                start.ArgumentList.Add(argument);
            }

            var output = new StringBuilder();
            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new RedisServerProcess(process, directory, output, port);
            try
            {
                await RedisPing.WaitUntilAnswersAsync(port, tls, server.ExitDescription);
                return server;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                last = ex;
                await server.DisposeAsync();
            }
        }

        throw new InvalidOperationException("redis-server did not start after 3 attempts.", last);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cancel.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless.
            }
        }
    }

    private string? ExitDescription()
    {
        if (!_process.HasExited)
        {
            return null;
        }

        lock (_output)
        {
            return $"exit code {_process.ExitCode}; output: {_output}";
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
