using FedSharp.Server.Redis.Tests.Fixtures;

namespace FedSharp.Server.Redis.Tests.Stores;

[Collection(SharedRedisServer.Name)]
public sealed class RedisServerClusterRoundTests(RedisServerFixture server) : RedisClusterRoundTestsBase(server);
