using System.Collections.Concurrent;
using System.Reflection;
using StackExchange.Redis;

namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>The <see cref="IDatabase"/> half of <see cref="CountingConnection"/>.</summary>
public class CountingDatabase : DispatchProxy
{
    private IDatabase? _inner;
    private ConcurrentQueue<RoundTrip>? _log;

    public static IDatabase Wrap(IDatabase inner, ConcurrentQueue<RoundTrip> log)
    {
        IDatabase proxy = Create<IDatabase, CountingDatabase>();
        var counting = (CountingDatabase)(object)proxy;
        counting._inner = inner;
        counting._log = log;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (typeof(Task).IsAssignableFrom(targetMethod!.ReturnType))
        {
            int keys = args?.OfType<RedisKey[]>().FirstOrDefault()?.Length ?? 0;
            int arguments = args?.OfType<RedisValue[]>().FirstOrDefault()?.Length ?? 0;
            _log!.Enqueue(new RoundTrip(targetMethod.Name, keys, arguments));
        }

        return CountingConnection.Forward(targetMethod, _inner!, args);
    }
}
