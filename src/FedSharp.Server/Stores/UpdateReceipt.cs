namespace FedSharp.Server.Stores;

/// <summary>The update store's answer for one update.</summary>
/// <param name="Admission">Whether it was added, already there, or refused because its iteration ended.</param>
/// <param name="Held">
/// How many updates its iteration's accumulator holds right after this one was considered; 0 when the iteration
/// ended. The coordinator aggregates once this reaches the updateModel threshold, so no state write is needed per update.
/// </param>
public readonly record struct UpdateReceipt(UpdateAdmission Admission, int Held);
