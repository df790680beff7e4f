namespace FedSharp.Server.Stores;

/// <summary>Proof of holding a lease until <paramref name="ExpiresAt"/>.</summary>
/// <param name="HolderId">Who holds it.</param>
/// <param name="FencingToken">Grows with every new holder; stores reject writes that carry a smaller token than they have seen.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed.</param>
public sealed record LeaseGrant(string HolderId, long FencingToken, DateTimeOffset ExpiresAt);
