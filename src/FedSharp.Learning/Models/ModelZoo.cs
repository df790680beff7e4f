using FedSharp.Learning.Layers;

namespace FedSharp.Learning.Models;

/// <summary>
/// The reference architectures of the FL literature FedSharp reproduces, built with PyTorch's default
/// initialisation from a seeded <see cref="Random"/> so that every client starting from one seed holds the same model.
/// </summary>
/// <remarks>
/// Every ReLU is fused into the convolution or linear layer before it (<see cref="Activation.ReLU"/>), which computes
/// bit for bit what a separate <see cref="ReLU"/> layer would while touching each activation once less.
/// </remarks>
public static class ModelZoo
{
    /// <summary>Multinomial logistic regression on flattened 28×28 images: [1, 28, 28] → 10; 7,850 parameters.</summary>
    public const string LogisticRegression = "logistic-regression";

    /// <summary>The FedAvg paper's 2NN: 784-200-200-10 with ReLU; 199,210 parameters.</summary>
    public const string Mlp2nn = "mlp-2nn";

    /// <summary>NIID-Bench's SimpleCNNMNIST for [1, 28, 28] input and 10 classes; 44,426 parameters.</summary>
    public const string SimpleCnn = "simple-cnn";

    /// <summary>LEAF's FEMNIST CNN: two "same" 5×5 convolutions (32, 64), fc 3136→2048→62; 6,603,710 parameters.</summary>
    public const string FemnistCnn = "femnist-cnn";

    /// <summary>
    /// MindSpore's LeNet5 for [3, 32, 32] input and 62 classes. Its convolutions have no bias, as MindSpore's
    /// <c>nn.Conv2d</c> defaults to <c>has_bias=False</c>; 66,404 parameters.
    /// </summary>
    public const string LeNet5 = "lenet5-3x32";

    private static readonly string[] s_names = [LogisticRegression, Mlp2nn, SimpleCnn, FemnistCnn, LeNet5];

    /// <summary>Every valid model name, in the order of this class.</summary>
    public static IReadOnlyList<string> Names => s_names;

    /// <summary>Builds the named model, drawing its initial parameters layer by layer from <c>new Random(seed)</c>.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="seed">The initialisation seed; equal seeds give bit-identical models.</param>
    public static Sequential Create(string name, int seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        var random = new Random(seed);
        return name switch
        {
            LogisticRegression => new Sequential(
                [1, 28, 28],
                new Flatten(),
                new Linear("linear", 784, 10, random)),
            Mlp2nn => new Sequential(
                [1, 28, 28],
                new Flatten(),
                new Linear("fc1", 784, 200, random, Activation.ReLU),
                new Linear("fc2", 200, 200, random, Activation.ReLU),
                new Linear("fc3", 200, 10, random)),
            SimpleCnn => new Sequential(
                [1, 28, 28],
                new Conv2d("conv1", 1, 6, 5, random, activation: Activation.ReLU),
                new MaxPool2d(2),
                new Conv2d("conv2", 6, 16, 5, random, activation: Activation.ReLU),
                new MaxPool2d(2),
                new Flatten(),
                new Linear("fc1", 256, 120, random, Activation.ReLU),
                new Linear("fc2", 120, 84, random, Activation.ReLU),
                new Linear("fc3", 84, 10, random)),
            FemnistCnn => new Sequential(
                [1, 28, 28],
                new Conv2d("conv1", 1, 32, 5, random, padding: 2, activation: Activation.ReLU),
                new MaxPool2d(2),
                new Conv2d("conv2", 32, 64, 5, random, padding: 2, activation: Activation.ReLU),
                new MaxPool2d(2),
                new Flatten(),
                new Linear("fc1", 3136, 2048, random, Activation.ReLU),
                new Linear("fc2", 2048, 62, random)),
            LeNet5 => new Sequential(
                [3, 32, 32],
                new Conv2d("conv1", 3, 6, 5, random, hasBias: false, activation: Activation.ReLU),
                new MaxPool2d(2),
                new Conv2d("conv2", 6, 16, 5, random, hasBias: false, activation: Activation.ReLU),
                new MaxPool2d(2),
                new Flatten(),
                new Linear("fc1", 400, 120, random, Activation.ReLU),
                new Linear("fc2", 120, 84, random, Activation.ReLU),
                new Linear("fc3", 84, 62, random)),
            _ => throw new ArgumentException($"Unknown model '{name}'; valid names are: {string.Join(", ", s_names)}.", nameof(name)),
        };
    }
}
