namespace FedSharp.Server.Redis.Tests.Fixtures;

/// <summary>One request a store sent: the <see cref="IDatabase"/> method, and for a script how many keys and arguments it carried.</summary>
public sealed record RoundTrip(string Method, int Keys, int Arguments);
