using FedSharp.Server.Redis.Tests.Fixtures;

namespace FedSharp.Server.Redis.Tests.Stores;

[Collection(SharedGarnet.Name)]
public sealed class GarnetClusterRoundTests(GarnetFixture server) : RedisClusterRoundTestsBase(server);
