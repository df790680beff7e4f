namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>The test classes that share one embedded Garnet.</summary>
[CollectionDefinition(Name)]
public sealed class SharedGarnet : ICollectionFixture<GarnetFixture>
{
    public const string Name = "garnet";
}
