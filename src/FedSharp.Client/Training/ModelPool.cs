using System.Collections.Concurrent;
using FedSharp.Core.Models;
using FedSharp.Learning.Models;

namespace FedSharp.Client.Training;

/// <summary>
/// Models of one architecture (each with its layer buffers) shared by many <see cref="LearningTrainer"/>s. A
/// simulation of thousands of clients keeps one pool: a client holds only its data, its parameters and its random
/// stream, and borrows a model only while it trains or evaluates, so at most one model per concurrently training
/// thread exists. Thread-safe.
/// </summary>
public sealed class ModelPool
{
    private readonly Func<Sequential> _factory;
    private readonly ConcurrentBag<Sequential> _idle = [];
    private readonly ModelParameters _layout;
    private int _createdCount;

    /// <summary>Creates the pool; builds one model at once to learn the layout and the initial parameters.</summary>
    /// <param name="factory">Builds a model; every call must give the same names, shapes and order.</param>
    public ModelPool(Func<Sequential> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factory = factory;
        Sequential first = factory() ?? throw new ArgumentException("The model factory returned null; it must build a model on every call.", nameof(factory));
        _createdCount = 1;
        InitialParameters = ModelParametersConversion.ToModelParameters(first.ExportParameters());
        _layout = InitialParameters;
        SampleSize = first.InputSize;
        _idle.Add(first);
    }

    /// <summary>A pool of the model-zoo architecture <paramref name="name"/>, initialised from <paramref name="seed"/>.</summary>
    /// <param name="name">One of <see cref="ModelZoo.Names"/>.</param>
    /// <param name="seed">The initialisation seed; every model of the pool starts bit-identical.</param>
    public static ModelPool ForZooModel(string name, int seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new ModelPool(() => ModelZoo.Create(name, seed));
    }

    /// <summary>The parameters of the first model built, in the model's order; do not change them.</summary>
    public ModelParameters InitialParameters { get; }

    /// <summary>Values per input sample.</summary>
    public int SampleSize { get; }

    /// <summary>Models built so far: the peak number borrowed at once, or 1.</summary>
    public int CreatedCount => Volatile.Read(ref _createdCount);

    /// <summary>Borrows an idle model, building a new one when none is idle.</summary>
    /// <returns>A lease; dispose it to return the model.</returns>
    public ModelLease Rent()
    {
        if (!_idle.TryTake(out Sequential? model))
        {
            model = _factory() ?? throw new InvalidOperationException("The model factory returned null; it must build a model on every call.");
            string? difference = ModelParametersConversion.DescribeLayoutDifference(_layout, ModelParametersConversion.ToModelParameters(model.ExportParameters()));
            if (difference is not null)
            {
                throw new InvalidOperationException($"The model factory built a different architecture than its first model: {difference}. A pool holds one architecture.");
            }

            Interlocked.Increment(ref _createdCount);
        }

        return new ModelLease(this, model);
    }

    internal void Return(Sequential model) => _idle.Add(model);
}
