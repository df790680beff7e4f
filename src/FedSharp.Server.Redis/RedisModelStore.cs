using System.Globalization;
using FedSharp.Server.Checkpoints;
using FedSharp.Server.Stores;
using StackExchange.Redis;

namespace FedSharp.Server.Redis;

/// <summary>
/// The current global model in Redis, shared by every server of a cluster: one hash holding the iteration and the model
/// as a blob in FedSharp's checkpoint format (names, shapes, little-endian float32, a SHA-256 trailer), so a truncated
/// or damaged blob is reported instead of read as garbage, and a blob saved with <c>redis-cli --raw HGET</c> is a valid
/// checkpoint file. Publishing compares iterations inside a Lua script, so two publishers can never roll it back.
/// </summary>
public sealed class RedisModelStore : IModelStore
{
    private static readonly RedisValue s_iterationField = "iteration";
    private static readonly RedisValue s_blobField = "blob";
    private readonly IDatabase _database;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly string _addresses;

    /// <summary>Uses <paramref name="connection"/> (from <see cref="RedisConnector"/>) with the database and key prefix of <paramref name="options"/>.</summary>
    /// <param name="connection">The shared connection.</param>
    /// <param name="options">The database and key prefix; validated here.</param>
    /// <param name="time">Stamps each published blob with its publication time, as a checkpoint file records it.</param>
    public RedisModelStore(IConnectionMultiplexer connection, RedisStoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.ThrowIfInvalid();
        _database = connection.GetDatabase(options.Database);
        _keys = new RedisKeys(options.KeyPrefix);
        _time = time;
        _addresses = string.Join(", ", options.Endpoints);
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed, or the stored model is damaged.</exception>
    public async Task<PublishedModel?> GetCurrentAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisKey key = _keys.Model;
        RedisValue[] fields;
        try
        {
            fields = await _database.HashGetAsync(key, [s_iterationField, s_blobField]).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new RedisStoreException($"Reading the model at '{key}' from Redis at {_addresses} failed ({ex.Message}); check that Redis is reachable.", ex);
        }

        if (fields[0].IsNull && fields[1].IsNull)
        {
            return null;
        }

        if (fields[0].IsNull || fields[1].IsNull || !int.TryParse((string?)fields[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int iteration))
        {
            throw Unreadable(key, fields[1].IsNull ? "the blob field is missing" : "the iteration field is missing or not an integer");
        }

        var read = CheckpointFormat.TryRead((byte[])fields[1]!, out string fault);
        if (read is not { } model)
        {
            throw Unreadable(key, fault);
        }

        if (model.Iteration != iteration)
        {
            throw Unreadable(key, $"the blob holds iteration {model.Iteration} but the hash says {iteration}");
        }

        return new PublishedModel(iteration, model.Parameters);
    }

    /// <inheritdoc />
    /// <exception cref="RedisStoreException">Redis failed.</exception>
    public async Task<bool> TryPublishAsync(PublishedModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] blob;
        using (var stream = new MemoryStream())
        {
            CheckpointFormat.Write(stream, model.Iteration, _time.GetUtcNow(), model.Parameters);
            blob = stream.ToArray();
        }

        RedisKey key = _keys.Model;
        try
        {
            RedisResult written = await _database.ScriptEvaluateAsync(RedisScripts.PublishModel, [key], [model.Iteration, blob]).WaitAsync(cancellationToken);
            return (long)written == 1;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new RedisStoreException($"Publishing the model of iteration {model.Iteration} to '{key}' on Redis at {_addresses} failed ({ex.Message}); check that Redis is reachable and runs Lua scripts.", ex);
        }
    }

    private RedisStoreException Unreadable(RedisKey key, string fault)
        => new($"The model at '{key}' on Redis at {_addresses} is unreadable: {fault}. Publish a newer model, or delete the key (DEL {key}) and restart from a checkpoint.");
}
