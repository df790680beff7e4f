namespace FedSharp.Server.Rounds;

/// <summary>How an iteration chooses its participants among the clients that ask to join.</summary>
public enum ClientSampling
{
    /// <summary>
    /// MindSpore's rule: the first <see cref="RoundOptions.StartFlJobThreshold"/> clients to call startFLJob are
    /// accepted at once; later ones are told to come back next iteration.
    /// </summary>
    FirstCome,

    /// <summary>
    /// Every client that calls startFLJob while the startFLJob window is open becomes a candidate and is told to ask
    /// again when the window closes. At that moment exactly <see cref="RoundOptions.StartFlJobThreshold"/>
    /// candidates are drawn uniformly without replacement by a generator seeded from
    /// <see cref="RoundOptions.SamplingSeed"/> and the iteration number, over the candidates sorted by id, so the
    /// draw does not depend on arrival order or on which server saw which request. Fewer candidates than the
    /// threshold fails the iteration. This removes first-come's bias toward fast, always-online devices.
    /// </summary>
    Random,
}
