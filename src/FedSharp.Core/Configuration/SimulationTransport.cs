namespace FedSharp.Core.Configuration;

/// <summary>How simulated clients reach the round engine (yaml <c>simulation.transport</c>).</summary>
public enum SimulationTransport
{
    /// <summary><c>in_memory</c>: protocol messages go straight to the server's request handler, no sockets.</summary>
    InMemory,

    /// <summary><c>http</c>: real HTTP against the embedded server on loopback, or against <c>--server-urls</c>.</summary>
    Http,
}
