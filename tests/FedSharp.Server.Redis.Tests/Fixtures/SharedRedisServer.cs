namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>The test classes that share one redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class SharedRedisServer : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis-server";
}
