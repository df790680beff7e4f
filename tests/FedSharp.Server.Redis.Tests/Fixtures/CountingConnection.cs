using System.Collections.Concurrent;
using System.Reflection;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>
/// Wraps a connection so that every asynchronous <see cref="IDatabase"/> call a store makes is recorded: each one is
/// one request and one reply, so the log counts the store's round trips on any server (redis-server or Garnet).
/// </summary>
public class CountingConnection : DispatchProxy
{
    private IConnectionMultiplexer? _inner;
    private ConcurrentQueue<RoundTrip>? _log;

    public static IConnectionMultiplexer Wrap(IConnectionMultiplexer inner, ConcurrentQueue<RoundTrip> log)
    {
        IConnectionMultiplexer proxy = Create<IConnectionMultiplexer, CountingConnection>();
        var counting = (CountingConnection)(object)proxy;
        counting._inner = inner;
        counting._log = log;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        object? result = Forward(targetMethod!, _inner!, args);
        return result is IDatabase database && targetMethod!.Name == nameof(IConnectionMultiplexer.GetDatabase)
            ? CountingDatabase.Wrap(database, _log!)
            : result;
    }

    internal static object? Forward(MethodInfo method, object target, object?[]? args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
