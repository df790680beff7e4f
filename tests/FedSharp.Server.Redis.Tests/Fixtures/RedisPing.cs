using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>Waits, bounded, until a server on a loopback port answers PING (a NOAUTH error also counts as an answer).</summary>
internal static class RedisPing
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    /// <param name="port">The loopback port.</param>
    /// <param name="tls">For a TLS port: the server certificate expected and the client certificate to show; null for a plain port.</param>
    /// <param name="exited">Returns a description when the server process died, so the wait stops at once.</param>
    public static async Task WaitUntilAnswersAsync(int port, TestCertificates? tls, Func<string?> exited)
    {
        var clock = Stopwatch.StartNew();
        string lastError = "no attempt";
        while (clock.Elapsed < StartTimeout)
        {
            if (exited() is { } why)
            {
                throw new InvalidOperationException($"The server on 127.0.0.1:{port} exited before answering PING: {why}");
            }

            try
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancel.Token);
                Stream stream = client.GetStream();
                if (tls is not null)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, certificate, _, _) => tls.IsServerCertificate(certificate));
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = "127.0.0.1",
                        ClientCertificates = [tls.Client],
                    }, cancel.Token);
                    stream = ssl;
                }

                await using (stream)
                {
                    await stream.WriteAsync("PING\r\n"u8.ToArray(), cancel.Token);
                    byte[] buffer = new byte[64];
                    int read = await stream.ReadAsync(buffer, cancel.Token);
                    string reply = Encoding.ASCII.GetString(buffer, 0, read);
                    if (reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal))
                    {
                        return;
                    }

                    lastError = $"unexpected reply '{reply.Trim()}'";
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                lastError = ex.Message;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The server on 127.0.0.1:{port} did not answer PING within {StartTimeout.TotalSeconds} s (last: {lastError}).");
    }
}
