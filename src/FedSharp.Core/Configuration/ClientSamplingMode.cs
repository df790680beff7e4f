namespace FedSharp.Core.Configuration;

/// <summary>How startFLJob picks the clients of an iteration (<c>fedsharp.client_sampling</c>).</summary>
public enum ClientSamplingMode
{
    /// <summary><c>first_come</c>: MindSpore's rule, the first T_start clients are accepted.</summary>
    FirstCome,

    /// <summary><c>random</c>: clients are drawn at random, with <c>fedsharp.seed</c>, from those that ask during the startFLJob window.</summary>
    Random,
}
