using System.Collections.Frozen;
using FedSharp.Core.Protocol;

namespace FedSharp.Core.Models;

/// <summary>
/// What an aggregation strategy asks of a device's training and upload in one iteration, as the plan carries it
/// (<c>FLPlan.strategy</c>): named numbers such as FedProx's <c>proximal_mu</c> or a DP <c>clip_norm</c>, and named
/// tensors such as SCAFFOLD's server control variate. FedAvg asks nothing (<see cref="None"/>).
/// </summary>
public sealed class StrategyParameters
{
    /// <summary>Creates the parameters.</summary>
    /// <param name="scalars">Named numbers; each finite.</param>
    /// <param name="tensors">Named tensors, or null for none.</param>
    /// <exception cref="ArgumentException">A scalar is not finite or its name is empty.</exception>
    public StrategyParameters(IReadOnlyDictionary<string, double> scalars, ModelParameters? tensors = null)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        foreach ((string name, double value) in scalars)
        {
            if (string.IsNullOrWhiteSpace(name) || !double.IsFinite(value))
            {
                throw new ArgumentException($"Strategy scalar '{name}' is {value}; names must not be empty and values must be finite.", nameof(scalars));
            }
        }

        Scalars = scalars.ToFrozenDictionary(StringComparer.Ordinal);
        Tensors = tensors;
    }

    /// <summary>No scalars and no tensors: FedAvg's plan.</summary>
    public static StrategyParameters None { get; } = new(new Dictionary<string, double>());

    /// <summary>Named numbers.</summary>
    public IReadOnlyDictionary<string, double> Scalars { get; }

    /// <summary>Named tensors, or null.</summary>
    public ModelParameters? Tensors { get; }

    /// <summary>True when there are neither scalars nor tensors.</summary>
    public bool IsEmpty => Scalars.Count == 0 && (Tensors is null || Tensors.Count == 0);

    /// <summary>The plan's <c>strategy</c> message; null when <see cref="IsEmpty"/>, so FedAvg's plan is unchanged on the wire.</summary>
    public StrategyConfig? ToMessage()
    {
        if (IsEmpty)
        {
            return null;
        }

        var message = new StrategyConfig();
        foreach ((string name, double value) in Scalars)
        {
            message.Scalars.Add(name, value);
        }
        if (Tensors is not null)
        {
            message.Tensors.Add(TensorCodec.Encode(Tensors));
        }

        return message;
    }

    /// <summary>
    /// Reads a plan's <c>strategy</c> message, as received from a server whose values are not trusted: every tensor's
    /// bytes must match its shape before anything is allocated, and every value must be finite.
    /// </summary>
    /// <param name="message">The message, or null for <see cref="None"/>.</param>
    /// <returns>The parameters.</returns>
    /// <exception cref="InvalidDataException">A scalar or tensor is malformed; the message names it.</exception>
    public static StrategyParameters FromMessage(StrategyConfig? message) => FromMessage(message, "The plan");

    /// <summary>
    /// Reads a <c>strategy</c> message from a peer whose values are not trusted (a plan from a server, an update from
    /// a device): every tensor's bytes must match its shape before anything is allocated, and every value must be finite.
    /// </summary>
    /// <param name="message">The message, or null for <see cref="None"/>.</param>
    /// <param name="source">What carried it, for error messages: "The plan", "The update of client 'a'".</param>
    /// <returns>The parameters.</returns>
    /// <exception cref="InvalidDataException">A scalar or tensor is malformed; the message names it.</exception>
    public static StrategyParameters FromMessage(StrategyConfig? message, string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        if (message is null || (message.Scalars.Count == 0 && message.Tensors.Count == 0))
        {
            return None;
        }

        foreach ((string name, double value) in message.Scalars)
        {
            if (string.IsNullOrWhiteSpace(name) || !double.IsFinite(value))
            {
                throw new InvalidDataException($"{source}'s strategy scalar '{name}' is {value}; names must not be empty and values must be finite.");
            }
        }

        ModelParameters? tensors = null;
        if (message.Tensors.Count > 0)
        {
            var layout = new List<ParameterTensor>(message.Tensors.Count);
            foreach (TensorData tensor in message.Tensors)
            {
                long length = 1;
                foreach (int dimension in tensor.Shape)
                {
                    length = dimension < 0 ? -1 : length * dimension;
                    if (length < 0 || length > tensor.Data.Length)
                    {
                        break;
                    }
                }

                if (string.IsNullOrEmpty(tensor.Name) || length < 0 || length * sizeof(float) != tensor.Data.Length)
                {
                    throw new InvalidDataException($"{source}'s strategy tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}] but {tensor.Data.Length} bytes; each tensor needs a name and 4 bytes per element of its shape.");
                }

                layout.Add(new ParameterTensor(tensor.Name, [.. tensor.Shape], new float[length]));
            }

            ModelParameters decoded;
            try
            {
                decoded = new ModelParameters(layout);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{source}'s strategy tensors are malformed: {ex.Message}", ex);
            }

            if (TensorCodec.DecodeInto(message.Tensors, decoded) is { } fault)
            {
                throw new InvalidDataException($"{source}'s strategy tensors are malformed: {fault.Message}");
            }

            tensors = decoded;
        }

        return new StrategyParameters(message.Scalars, tensors);
    }
}
