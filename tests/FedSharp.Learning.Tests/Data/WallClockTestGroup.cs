namespace FedSharp.Learning.Tests.Data;

/// <summary>Tests that measure wall-clock time run alone, so that other tests of this assembly do not skew them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WallClockTestGroup
{
    public const string Name = "Serial timing";
}
