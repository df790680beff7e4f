using BenchmarkDotNet.Attributes;
using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Benchmarks.Layers;

/// <summary>One SGD step (forward, loss, backward, update) of a zoo model at batch 64, on one thread.</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private const int Batch = 64;
    private Trainer _trainer = null!;
    private float[] _features = [];
    private int[] _labels = [];

    [Params(ModelZoo.SimpleCnn, ModelZoo.Mlp2nn)]
    public string Model { get; set; } = ModelZoo.SimpleCnn;

    [GlobalSetup]
    public void Setup()
    {
        Sequential model = ModelZoo.Create(Model, seed: 0);
        _trainer = new Trainer(model, new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f }), Batch);
        var random = new Random(0);
        _features = new float[Batch * model.InputSize];
        _labels = new int[Batch];
        for (int i = 0; i < _features.Length; i++)
        {
            _features[i] = random.NextSingle();
        }

        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = random.Next(model.OutputSize);
        }
    }

    [Benchmark]
    public float Step() => _trainer.TrainBatch(_features, _labels);
}
