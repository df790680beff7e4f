using FedSharp.Core.Models;
using FedSharp.Core.Protocol;

namespace FedSharp.Client;

/// <summary>What an <see cref="IUpdateHook"/> sees of one iteration's upload.</summary>
/// <param name="Iteration">The iteration the update is for.</param>
/// <param name="Plan">The server's FL plan for it.</param>
/// <param name="Strategy">The plan's strategy fields, decoded (FedProx's μ, a clip norm, control variates).</param>
/// <param name="GlobalModel">The model the device trained from; do not change it.</param>
/// <param name="Update">The trained parameters that will be uploaded; rewrite them in place.</param>
public sealed record UploadContext(int Iteration, FLPlan Plan, StrategyParameters Strategy, ModelParameters GlobalModel, ModelParameters Update);
