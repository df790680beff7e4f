using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Simulation;

/// <summary>
/// One worker thread's model instance with the trainer and SGD optimizer bound to it. A client borrowing it
/// overwrites the parameters and gets fresh optimizer state, as a real device starts every round from the global
/// model with a new optimizer.
/// </summary>
internal sealed class WorkerModel
{
    private Trainer? _trainer;
    private Sgd? _optimizer;
    private (int BatchSize, float Momentum, float WeightDecay) _bound;

    /// <summary>Wraps a model owned by one worker thread.</summary>
    public WorkerModel(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>The model; its parameters belong to whichever client borrowed it last.</summary>
    public Sequential Model { get; }

    /// <summary>
    /// A trainer with SGD for these hyper-parameters, optimizer state cleared. Batch buffers and momentum buffers are
    /// built again only when the batch size, momentum or weight decay change, which a job's plan never does.
    /// </summary>
    public Trainer TrainerFor(int batchSize, float learningRate, float momentum, float weightDecay)
    {
        var key = (batchSize, momentum, weightDecay);
        if (_trainer is null || _optimizer is null || _bound != key)
        {
            _optimizer = new Sgd(Model.Parameters, new SgdOptions { LearningRate = learningRate, Momentum = momentum, WeightDecay = weightDecay });
            _trainer = new Trainer(Model, _optimizer, batchSize);
            _bound = key;
        }

        _optimizer.LearningRate = learningRate;
        _optimizer.Reset();
        return _trainer;
    }
}
