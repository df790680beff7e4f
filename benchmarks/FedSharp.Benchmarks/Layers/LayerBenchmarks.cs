using BenchmarkDotNet.Attributes;
using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Benchmarks.Layers;

/// <summary>
/// Forward and backward of simple-cnn's convolution and linear layers at batch 64, the shapes that decide
/// `fedsharp bench train`. Allocated bytes must stay 0: the layers reuse buffers sized once per batch.
/// </summary>
[MemoryDiagnoser]
public class LayerBenchmarks
{
    private const int Batch = 64;
    private Layer _layer = null!;
    private Tensor _input = null!;
    private Tensor _outputGradient = null!;

    [Params("conv1", "conv2", "fc1", "fc2")]
    public string Layer { get; set; } = "conv1";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        (_layer, int[] inputShape) = Layer switch
        {
            "conv1" => ((Layer)new Conv2d("conv1", 1, 6, 5, random, activation: Activation.ReLU), new[] { 1, 28, 28 }),
            "conv2" => (new Conv2d("conv2", 6, 16, 5, random, activation: Activation.ReLU), new[] { 6, 12, 12 }),
            "fc1" => (new Linear("fc1", 256, 120, random, Activation.ReLU), new[] { 256 }),
            _ => (new Linear("fc2", 120, 84, random, Activation.ReLU), new[] { 120 }),
        };
        _layer.Bind(inputShape);
        _layer.Reserve(Batch);
        _input = new Tensor([Batch, .. inputShape]);
        Fill(_input.Span, random);
        Tensor output = _layer.Forward(_input, Batch, training: true);
        _outputGradient = new Tensor([.. output.Shape]);
        Fill(_outputGradient.Span, random);
    }

    [Benchmark]
    public Tensor Forward() => _layer.Forward(_input, Batch, training: true);

    [Benchmark]
    public Tensor? ForwardBackward()
    {
        _layer.Forward(_input, Batch, training: true);
        return _layer.Backward(_outputGradient, Batch);
    }

    private static void Fill(Span<float> values, Random random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
        }
    }
}
