using System.Globalization;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using StackExchange.Redis;

namespace FedSharp.Server.Redis;

/// <summary>
/// The round state in Redis, shared by every server of a cluster: a small hash holding the version, the iteration and
/// the scalar <see cref="RoundState"/> as JSON, and a hash of the current iteration's registrations (client id →
/// 18 packed bytes, <see cref="RoundStateCodec"/>). Every operation is one round trip: a read of the state with one
/// client's registration is one Lua script; a compare-and-set is one Lua script that checks the version, writes the
/// state and only the registrations the request changed, so its cost does not grow with the number of clients.
/// </summary>
/// <remarks>
/// When a write moves the state to another iteration, the script unlinks the old registrations hash (UNLINK: Redis
/// frees it off its main thread), so only the current iteration's registrations exist. The keys have no TTL: they
/// are the instance's state and live as long as it does (docs/redis-keys.md).
/// </remarks>
public sealed class RedisRoundStore : IRoundStore
{
    private static readonly RedisValue s_versionField = "version";
    private static readonly RedisValue s_stateField = "state";
    private readonly IDatabase _database;
    private readonly RedisKeys _keys;
    private readonly string _addresses;

    /// <summary>Uses <paramref name="connection"/> (from <see cref="RedisConnector"/>) with the database and key prefix of <paramref name="options"/>.</summary>
    /// <param name="connection">The shared connection.</param>
    /// <param name="options">The database and key prefix; validated here.</param>
    public RedisRoundStore(IConnectionMultiplexer connection, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _database = connection.GetDatabase(options.Database);
        _keys = new RedisKeys(options.KeyPrefix);
        _addresses = string.Join(", ", options.Endpoints);
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed, or the stored state is unreadable.</exception>
    public async Task<RoundState?> GetAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] fields;
        try
        {
            fields = await _database.HashGetAsync(_keys.Round, [s_versionField, s_stateField]).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Failed("Reading the round state", ex);
        }

        return fields[0].IsNull ? null : DecodeState(fields[0], fields[1]);
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed, or the stored state or registration is unreadable.</exception>
    public async Task<RoundSnapshot?> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        cancellationToken.ThrowIfCancellationRequested();
        RedisResult result = await RunAsync(RedisScripts.ReadRound, [_keys.Round, _keys.Registrations], [clientId], "Reading the round state", cancellationToken);
        if (result.IsNull)
        {
            return null;
        }

        var parts = (RedisResult[])result!;
        RoundState state = DecodeState((RedisValue)parts[0], (RedisValue)parts[1]);
        byte[]? packed = (byte[]?)parts[2];
        ClientRegistration? registration = packed is null || packed.Length == 0 ? null : Unpack(clientId, packed, state.Iteration);
        return new RoundSnapshot(state, registration);
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed, or a stored registration is unreadable.</exception>
    public async Task<IReadOnlyList<ClientRegistration>> GetRegistrationsAsync(int iteration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisResult result = await RunAsync(
            RedisScripts.ReadRegistrations, [_keys.Round, _keys.Registrations], [Decimal(iteration)], "Reading the registrations", cancellationToken);
        var flat = (RedisResult[])result!;
        var registrations = new ClientRegistration[flat.Length / 2];
        for (int i = 0; i < registrations.Length; i++)
        {
            registrations[i] = Unpack((string)flat[2 * i]!, (byte[])flat[(2 * i) + 1]!, iteration);
        }

        return registrations;
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed.</exception>
    public async Task<bool> TryCreateAsync(RoundState initial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(initial);
        cancellationToken.ThrowIfCancellationRequested();
        RedisResult result = await RunAsync(
            RedisScripts.CreateRound, [_keys.Round, _keys.Registrations], [Decimal(initial.Iteration), RoundStateCodec.EncodeState(initial)], "Creating the round state", cancellationToken);
        return (long)result == 1;
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed.</exception>
    public async Task<bool> TryUpdateAsync(RoundState state, IReadOnlyList<ClientRegistration> registrations, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(registrations);
        cancellationToken.ThrowIfCancellationRequested();

        // One entry per client, the last one given winning, and only the new state's iteration: the script then
        // writes exactly what it is handed.
        var latest = new Dictionary<string, ClientRegistration>(StringComparer.Ordinal);
        foreach (ClientRegistration registration in registrations)
        {
            ArgumentNullException.ThrowIfNull(registration);
            if (registration.Iteration == state.Iteration)
            {
                latest[registration.ClientId] = registration;
            }
        }

        var arguments = new RedisValue[3 + (2 * latest.Count)];
        arguments[0] = expectedVersion;
        arguments[1] = Decimal(state.Iteration);
        arguments[2] = RoundStateCodec.EncodeState(state);
        int next = 3;
        foreach (ClientRegistration registration in latest.Values)
        {
            arguments[next++] = registration.ClientId;
            arguments[next++] = RoundStateCodec.PackRegistration(registration);
        }

        RedisResult result = await RunAsync(RedisScripts.UpdateRound, [_keys.Round, _keys.Registrations], arguments, "Saving the round state", cancellationToken);
        return (long)result == 1;
    }

    private static string Decimal(int value) => value.ToString(CultureInfo.InvariantCulture);

    private RoundState DecodeState(RedisValue versionField, RedisValue stateField)
    {
        if (!long.TryParse((string?)versionField, NumberStyles.None, CultureInfo.InvariantCulture, out long version))
        {
            throw Unreadable(_keys.Round, "its version field is not a non-negative integer");
        }

        if (stateField.IsNullOrEmpty)
        {
            throw Unreadable(_keys.Round, "its state field is missing");
        }

        return RoundStateCodec.TryDecodeState((byte[])stateField!, version, out string fault) ?? throw Unreadable(_keys.Round, fault);
    }

    private ClientRegistration Unpack(string clientId, byte[] packed, int iteration)
    {
        ClientRegistration? registration = RoundStateCodec.TryUnpackRegistration(clientId, packed, out string fault)
            ?? throw Unreadable(_keys.Registrations, $"the registration of client '{clientId}' is unreadable: {fault}");
        if (registration.Iteration != iteration)
        {
            throw Unreadable(_keys.Registrations, $"the registration of client '{clientId}' is for iteration {registration.Iteration} but the round state is in iteration {iteration}");
        }

        return registration;
    }

    private async Task<RedisResult> RunAsync(string script, RedisKey[] keys, RedisValue[] arguments, string action, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.ScriptEvaluateAsync(script, keys, arguments).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw Failed(action, ex);
        }
    }

    private RedisStoreException Failed(string action, Exception ex)
        => new($"{action} at '{_keys.Round}' on Redis at {_addresses} failed ({ex.Message}); check that Redis is reachable and runs Lua scripts.", ex);

    private RedisStoreException Unreadable(RedisKey key, string fault)
        => new($"The round state at '{key}' on Redis at {_addresses} is unreadable: {fault}. Delete the instance's round keys (DEL {_keys.Round} {_keys.Registrations}) and restart the servers, which resume from the newest checkpoint.");
}
