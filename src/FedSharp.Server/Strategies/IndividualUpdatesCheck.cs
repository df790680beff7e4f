using FedSharp.Core.Models;
using FedSharp.Server.Stores;

namespace FedSharp.Server.Strategies;

/// <summary>What every aggregator over <see cref="AccumulatorKind.IndividualUpdates"/> checks before its math.</summary>
internal static class IndividualUpdatesCheck
{
    /// <summary>Null when the aggregate holds at least one update and every update has the global model's layout; else why not.</summary>
    public static string? Problem(string strategy, IterationAggregate aggregate, ModelParameters globalModel)
    {
        if (aggregate.Updates.Count == 0)
        {
            return $"iteration {aggregate.Iteration} holds no individual updates; {strategy} needs an update store that keeps them ({nameof(AccumulatorKind)}.{nameof(AccumulatorKind.IndividualUpdates)}).";
        }

        foreach (ClientUpdate update in aggregate.Updates)
        {
            if (!update.Parameters.HasSameLayout(globalModel))
            {
                return $"the update of client '{update.ClientId}' in iteration {aggregate.Iteration} has layout [{string.Join(", ", update.Parameters.Tensors)}] but the global model has [{string.Join(", ", globalModel.Tensors)}].";
            }
        }

        return null;
    }

    /// <summary>Tensor <paramref name="tensor"/> of every update, so that a column is gathered from arrays, not through the models.</summary>
    public static float[][] TensorOfEach(IReadOnlyList<ClientUpdate> updates, int tensor)
    {
        float[][] sources = new float[updates.Count][];
        for (int k = 0; k < sources.Length; k++)
        {
            sources[k] = updates[k].Parameters[tensor].Values;
        }

        return sources;
    }

    /// <summary>Every update's value at <paramref name="index"/> of one tensor (<see cref="TensorOfEach"/>), into <paramref name="column"/>.</summary>
    public static void Gather(float[][] sources, int index, Span<float> column)
    {
        for (int k = 0; k < sources.Length; k++)
        {
            column[k] = sources[k][index];
        }
    }
}
