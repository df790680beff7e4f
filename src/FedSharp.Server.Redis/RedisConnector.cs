using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace FedSharp.Server.Redis;

/// <summary>
/// Opens the connection the Redis stores share, from <see cref="RedisStoreOptions"/>, and turns the client's failures
/// into one-line messages that name the address and the fix (never the password). One multiplexer serves a whole
/// process: it pipelines every store's commands over one socket per server.
/// </summary>
public static class RedisConnector
{
    /// <summary>
    /// Connects, authenticates and checks that the chosen database answers; throws <see cref="RedisStoreException"/>
    /// when Redis does not answer within <see cref="RedisStoreOptions.ConnectTimeout"/>, refuses the credentials or
    /// the TLS handshake. The caller owns (and disposes) the connection. A failed TLS connect may take up to twice the
    /// timeout: a second handshake of its own finds out what the server objected to.
    /// </summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(RedisStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        cancellationToken.ThrowIfCancellationRequested();
        string addresses = string.Join(", ", options.Endpoints);
        var tls = new TlsCheck(options);
        ConfigurationOptions configuration = CreateConfiguration(options, tls);

        ConnectionMultiplexer connection;
        var log = new StringWriter(CultureInfo.InvariantCulture);
        Task<ConnectionMultiplexer> connecting = ConnectionMultiplexer.ConnectAsync(configuration, log);
        try
        {
            connection = await connecting.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The client's connect cannot be cancelled; whatever it ends with is closed so no socket is leaked.
            _ = connecting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or System.Security.Authentication.AuthenticationException or IOException)
        {
            // The client's exception is generic ("it was not possible to connect"); its connect log, and for TLS a
            // handshake of our own, say why. Both are only searched, never repeated, so nothing in them can leak.
            string evidence = AllMessages(ex) + " | " + log;
            if (options.UseTls && tls.Fault is null)
            {
                evidence += " | " + await ProbeTlsAsync(options, tls, cancellationToken);
            }

            throw new RedisStoreException(Describe(evidence, options, addresses, tls), ex);
        }

        try
        {
            // A command that needs the database makes the client SELECT it, so a database the server does not have
            // fails here, at start-up, rather than at the first store call.
            await connection.GetDatabase(options.Database).KeyExistsAsync(new RedisKeys(options.KeyPrefix).Model);
            return connection;
        }
        catch (Exception ex) when ((ex is RedisServerException && ex.Message.Contains("DB index", StringComparison.OrdinalIgnoreCase))
            || (ex is RedisCommandException && ex.Message.Contains("database does not exist", StringComparison.OrdinalIgnoreCase)))
        {
            await connection.DisposeAsync();
            throw new RedisStoreException($"Redis at {addresses} has no database {options.Database}: set {nameof(RedisStoreOptions.Database)} to one the server has (0 to 15 on a default redis-server; always 0 on Redis Cluster).", ex);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new RedisStoreException(Describe(AllMessages(ex), options, addresses, tls), ex);
        }
    }

    private static ConfigurationOptions CreateConfiguration(RedisStoreOptions options, TlsCheck tls)
    {
        int timeoutMs = (int)Math.Ceiling(options.ConnectTimeout.TotalMilliseconds);
        var configuration = new ConfigurationOptions
        {
            // Fail the connect instead of handing back a multiplexer that keeps retrying in the background: start-up
            // must say at once that Redis is missing.
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = timeoutMs,
            ClientName = "fedsharp",
            User = string.IsNullOrEmpty(options.User) ? null : options.User,
            Password = string.IsNullOrEmpty(options.Password) ? null : options.Password,
            DefaultDatabase = options.Database,
            Ssl = options.UseTls,
        };
        foreach (string endpoint in options.Endpoints)
        {
            if (RedisStoreOptions.TryParseEndpoint(endpoint, out string host, out int port))
            {
                configuration.EndPoints.Add(host, port);
            }
        }

        if (options.UseTls)
        {
            configuration.CertificateValidation += tls.Validate;
            if (tls.ClientCertificate is not null)
            {
                configuration.CertificateSelection += (_, _, _, _, _) => tls.ClientCertificate;
            }
        }

        return configuration;
    }

    private static string Describe(string text, RedisStoreOptions options, string addresses, TlsCheck tls)
    {
        string timeout = options.ConnectTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        if (tls.Fault is { } tlsFault)
        {
            return $"Redis at {addresses} presented a TLS certificate that was not accepted ({tlsFault}): set {nameof(RedisStoreOptions.TlsCaCertificatePath)} to the PEM file of the CA that signed the server's certificate.";
        }

        // A refused password is followed by NOAUTH replies to the commands after it, so WRONGPASS is looked for first.
        bool passwordGiven = !string.IsNullOrEmpty(options.Password);
        if (text.Contains("WRONGPASS", StringComparison.Ordinal) || text.Contains("invalid password", StringComparison.OrdinalIgnoreCase)
            || text.Contains("invalid username-password", StringComparison.OrdinalIgnoreCase) || (passwordGiven && text.Contains("NOAUTH", StringComparison.Ordinal)))
        {
            string who = string.IsNullOrEmpty(options.User) ? "the password" : $"the password of user '{options.User}'";
            return $"Redis at {addresses} refused {who}: check {nameof(RedisStoreOptions.Password)} and {nameof(RedisStoreOptions.User)} against the server's requirepass or ACL.";
        }

        if (text.Contains("NOAUTH", StringComparison.Ordinal))
        {
            return $"Redis at {addresses} requires a password and none was given: set {nameof(RedisStoreOptions.Password)} (and {nameof(RedisStoreOptions.User)} for an ACL user).";
        }

        if (options.UseTls && (text.Contains("certificate required", StringComparison.OrdinalIgnoreCase)
            || (tls.ClientCertificate is null && text.Contains("closed the connection after the TLS handshake", StringComparison.Ordinal))))
        {
            return $"Redis at {addresses} refused the TLS connection because it requires a client certificate (tls-auth-clients): set {nameof(RedisStoreOptions.TlsClientCertificatePath)} and {nameof(RedisStoreOptions.TlsClientKeyPath)} to a certificate its CA signed.";
        }

        if (options.UseTls && (text.Contains("SSL_ERROR", StringComparison.Ordinal) || text.Contains("alert", StringComparison.OrdinalIgnoreCase)
            || text.Contains("AuthenticationFailure", StringComparison.Ordinal)))
        {
            return $"Redis at {addresses} did not complete the TLS handshake: check that it listens with TLS on that port (tls-port) and, when it sets tls-auth-clients, give {nameof(RedisStoreOptions.TlsClientCertificatePath)} and {nameof(RedisStoreOptions.TlsClientKeyPath)}.";
        }

        string refused = text.Contains("refused", StringComparison.OrdinalIgnoreCase) ? " (connection refused)" : string.Empty;
        return $"Redis at {addresses} did not answer within {timeout}{refused}: start redis-server there or set distributed_cache.address ({nameof(RedisStoreOptions.Endpoints)}).";
    }

    /// <summary>
    /// Opens one TLS connection to the first endpoint the way the client does and listens: a server that wants a
    /// client certificate says so only in an alert after the handshake, which the client does not always report.
    /// </summary>
    private static async Task<string> ProbeTlsAsync(RedisStoreOptions options, TlsCheck tls, CancellationToken cancellationToken)
    {
        if (!RedisStoreOptions.TryParseEndpoint(options.Endpoints[0], out string host, out int port))
        {
            return string.Empty;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        bool handshakeCompleted = false;
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            await using var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, tls.Validate);
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    ClientCertificates = tls.ClientCertificate is null ? null : [tls.ClientCertificate],
                },
                timeout.Token);
            handshakeCompleted = true;

            // Read before writing: a server refusing the client sends its alert and closes; writing first could turn
            // that close into a reset that loses the alert.
            byte[] reply = new byte[64];
            int read = await ssl.ReadAsync(reply, timeout.Token);
            return read == 0 ? "the server closed the connection after the TLS handshake" : System.Text.Encoding.ASCII.GetString(reply, 0, read);
        }
        catch (OperationCanceledException) when (handshakeCompleted && !cancellationToken.IsCancellationRequested)
        {
            return "the TLS handshake completed and the server kept the connection open";
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            return (handshakeCompleted ? "the server closed the connection after the TLS handshake: " : string.Empty) + AllMessages(ex);
        }
    }

    private static string AllMessages(Exception ex)
    {
        var messages = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(AllMessages));
            }
        }

        return string.Join(" | ", messages);
    }

    /// <summary>
    /// Checks the server's certificate against the configured CA (or, without one, the machine's roots) and remembers
    /// why it refused one, which the client's own exception does not say.
    /// </summary>
    private sealed class TlsCheck
    {
        private readonly X509Certificate2? _ca;
        private readonly string? _caPath;

        public TlsCheck(RedisStoreOptions options)
        {
            // Both stay loaded for the multiplexer's lifetime: it handshakes again on every reconnect.
            if (!string.IsNullOrEmpty(options.TlsCaCertificatePath))
            {
                _caPath = options.TlsCaCertificatePath;
                try
                {
                    _ca = X509CertificateLoader.LoadCertificateFromFile(_caPath);
                }
                catch (System.Security.Cryptography.CryptographicException ex)
                {
                    throw new ArgumentException($"{nameof(RedisStoreOptions.TlsCaCertificatePath)} is '{_caPath}', which is not a certificate ({ex.Message}); give the CA certificate as a PEM or DER file.", nameof(options), ex);
                }
            }

            if (!string.IsNullOrEmpty(options.TlsClientCertificatePath) && !string.IsNullOrEmpty(options.TlsClientKeyPath))
            {
                try
                {
                    ClientCertificate = X509Certificate2.CreateFromPemFile(options.TlsClientCertificatePath, options.TlsClientKeyPath);
                }
                catch (System.Security.Cryptography.CryptographicException ex)
                {
                    throw new ArgumentException($"{nameof(RedisStoreOptions.TlsClientCertificatePath)} '{options.TlsClientCertificatePath}' and {nameof(RedisStoreOptions.TlsClientKeyPath)} '{options.TlsClientKeyPath}' are not a PEM certificate and its PEM private key ({ex.Message}); give both as PEM files.", nameof(options), ex);
                }
            }
        }

        public X509Certificate2? ClientCertificate { get; }

        public string? Fault { get; private set; }

        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                Fault = "the server sent no certificate";
                return false;
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                Fault = "its certificate does not name the host that was dialled";
                return false;
            }

            if (_ca is null)
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                Fault = "it does not chain to a root this machine trusts, and no CA file was given";
                return false;
            }

            X509Certificate2 leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(_ca);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                foreach (X509ChainElement element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (custom.Build(leaf))
            {
                return true;
            }

            Fault = $"it does not chain to the CA '{_ca.Subject}' in {_caPath}: " + string.Join("; ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()));
            return false;
        }
    }
}
