using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Learning.Data;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Client.Training;

/// <summary>
/// The built-in trainer: a FedSharp.Learning classifier trained with SGD on the client's <see cref="LabeledDataset"/>.
/// It keeps only the client's parameters, data and random stream, and borrows a model from a
/// <see cref="ModelPool"/> while it trains, evaluates or predicts, so many clients can share a few models.
/// </summary>
/// <remarks>
/// It claims FedProx's <c>proximal_mu</c>: with it in the plan, every SGD step adds μ·(w − w_global) to the gradient
/// (<see cref="ProximalOptimizer"/>), the gradient of μ/2·‖w − w_global‖². The reported loss stays the task loss.
/// It claims SCAFFOLD's <c>c</c>: with the server control variate in the plan, every step is corrected by −η·(c − cᵢ)
/// (<see cref="ScaffoldOptimizer"/>), and the change of the device's own cᵢ, which this trainer keeps across
/// iterations, is reported as <c>delta_c/{name}</c>; cᵢ moves when the server counts the update (<see cref="ContributionCounted"/>). It claims FedNova's <c>report_local_steps</c>: it reports τ and
/// <see cref="FedNovaCoefficient"/>'s a with the update.
/// Training that diverges (a non-finite loss or weight) leaves the parameters as they were before it and reports a
/// failure, as MindSpore's device client restores its model on a NaN loss.
/// </remarks>
public sealed class LearningTrainer : ITrainer
{
    private const int EvaluationBatchSize = 64;
    private static readonly string[] s_strategyFields = [StrategyFieldNames.ProximalMu, StrategyFieldNames.ControlVariate, StrategyFieldNames.ReportLocalSteps];

    private readonly ModelPool _models;
    private readonly LabeledDataset _trainData;
    private readonly LabeledDataset? _testData;
    private readonly Random _random;
    private readonly ModelParameters _parameters;

    // SCAFFOLD's cᵢ, kept across the iterations this device joins; null until its first counted SCAFFOLD update (cᵢ = 0).
    private ModelParameters? _clientControl;

    // cᵢ⁺ of the last training, which becomes cᵢ once the server counts that update (ContributionCounted).
    private (int Iteration, ModelParameters Control)? _pendingClientControl;

    /// <summary>Creates a trainer that borrows its model from <paramref name="models"/>.</summary>
    /// <param name="models">The shared pool; the trainer starts from its initial parameters.</param>
    /// <param name="trainData">The client's training data; at least one sample, of the model's input shape.</param>
    /// <param name="testData">The client's evaluation data, or null.</param>
    /// <param name="random">The client's seeded random stream; it orders every epoch's batches.</param>
    public LearningTrainer(ModelPool models, LabeledDataset trainData, LabeledDataset? testData, Random random)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(random);
        if (trainData.Count < 1)
        {
            throw new ArgumentException("The training data set is empty; a federated client needs at least one training sample (its data size weighs its update).", nameof(trainData));
        }

        CheckSampleSize(models, trainData, nameof(trainData));
        if (testData is not null)
        {
            CheckSampleSize(models, testData, nameof(testData));
        }

        _models = models;
        _trainData = trainData;
        _testData = testData is { Count: > 0 } ? testData : null;
        _random = random;
        _parameters = models.InitialParameters.Clone();
    }

    /// <summary>Creates a trainer with its own pool of the model-zoo architecture <paramref name="modelName"/>.</summary>
    /// <param name="modelName">One of <c>ModelZoo.Names</c>.</param>
    /// <param name="modelSeed">The initialisation seed of the model.</param>
    /// <param name="trainData">The client's training data.</param>
    /// <param name="testData">The client's evaluation data, or null.</param>
    /// <param name="random">The client's seeded random stream.</param>
    public LearningTrainer(string modelName, int modelSeed, LabeledDataset trainData, LabeledDataset? testData, Random random)
        : this(ModelPool.ForZooModel(modelName, modelSeed), trainData, testData, random)
    {
    }

    /// <inheritdoc />
    public int DataSize => _trainData.Count;

    /// <inheritdoc />
    public int EvaluationDataSize => _testData?.Count ?? 0;

    /// <inheritdoc />
    public int SampleSize => _models.SampleSize;

    /// <inheritdoc />
    public IReadOnlyCollection<string> StrategyFields => s_strategyFields;

    /// <inheritdoc />
    public ModelParameters GetParameters() => _parameters.Clone();

    /// <inheritdoc />
    public void SetParameters(ModelParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string? difference = ModelParametersConversion.DescribeLayoutDifference(_parameters, parameters);
        if (difference is not null)
        {
            throw new ArgumentException($"The parameters do not fit this trainer's model: {difference}. Send a model of the same architecture.", nameof(parameters));
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            parameters[i].Values.CopyTo(_parameters[i].Values, 0);
        }
    }

    /// <inheritdoc />
    public LocalTrainingResult Train(LocalTrainingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        plan.Validate();
        using ModelLease lease = _models.Rent();
        lease.Model.ImportParameters(ModelParametersConversion.ToNamedTensors(_parameters));
        IOptimizer optimizer = new Sgd(lease.Model.Parameters, new SgdOptions
        {
            LearningRate = plan.LearningRate,
            Momentum = plan.Momentum,
            WeightDecay = plan.WeightDecay,
        });
        if (plan.Strategy.Scalars.TryGetValue(StrategyFieldNames.ProximalMu, out double mu))
        {
            optimizer = Proximal(optimizer, lease, plan, mu);
        }

        ModelParameters? serverControl = ServerControl(plan);
        ModelParameters? clientControl = null;
        ModelParameters? start = null;
        if (serverControl is not null)
        {
            clientControl = _clientControl ?? _parameters.ZerosLike();
            start = plan.GlobalModel ?? _parameters.Clone();
            optimizer = new ScaffoldOptimizer(
                optimizer,
                lease.Model.Parameters,
                [.. serverControl.Tensors.Select(t => new ReadOnlyMemory<float>(t.Values))],
                [.. clientControl.Tensors.Select(t => new ReadOnlyMemory<float>(t.Values))],
                plan.LearningRate);
        }

        var trainer = new Trainer(lease.Model, optimizer, plan.BatchSize);
        double lossSum = 0;
        int samples = 0;
        for (int epoch = 1; epoch <= plan.Epochs; epoch++)
        {
            EpochResult result = trainer.TrainEpoch(_trainData, _random);
            lossSum += result.MeanLoss * result.SampleCount;
            samples += result.SampleCount;
            if (!double.IsFinite(result.MeanLoss))
            {
                // The borrowed model is discarded state; the client's own parameters still hold the weights before training.
                return new LocalTrainingResult(false, result.MeanLoss, samples,
                    $"Training for iteration {plan.Iteration} diverged in epoch {epoch} of {plan.Epochs}: the mean loss is {result.MeanLoss} (learning rate {plan.LearningRate}); the weights before training were kept. Lower client.client_learning_rate.");
            }
        }

        foreach (var parameter in lease.Model.Parameters)
        {
            int bad = TensorCodec.IndexOfNonFinite(parameter.Value.ReadOnlySpan);
            if (bad >= 0)
            {
                return new LocalTrainingResult(false, double.NaN, samples,
                    $"Training for iteration {plan.Iteration} produced a non-finite weight in '{parameter.Name}' (position {bad}); the weights before training were kept. Lower client.client_learning_rate.");
            }
        }

        for (int i = 0; i < _parameters.Count; i++)
        {
            lease.Model.Parameters[i].Value.ReadOnlySpan.CopyTo(_parameters[i].Values);
        }

        // The trainer takes one optimizer step per batch of every epoch.
        int steps = checked(plan.Epochs * ((_trainData.Count + plan.BatchSize - 1) / plan.BatchSize));
        var scalars = new Dictionary<string, double>();
        ModelParameters? deltas = null;
        if (serverControl is not null)
        {
            deltas = UpdateClientControl(plan.Iteration, serverControl, clientControl!, start!, steps, plan.LearningRate);
        }

        if (plan.Strategy.Scalars.ContainsKey(StrategyFieldNames.ReportLocalSteps))
        {
            scalars[StrategyFieldNames.LocalSteps] = steps;
            scalars[StrategyFieldNames.NormalizingCoefficient] = FedNovaCoefficient.Compute(steps, plan.Momentum);
        }

        return new LocalTrainingResult(true, lossSum / samples, samples)
        {
            Reported = scalars.Count == 0 && deltas is null ? StrategyParameters.None : new StrategyParameters(scalars, deltas),
        };
    }

    /// <inheritdoc />
    /// <remarks>SCAFFOLD's cᵢ becomes the cᵢ⁺ computed when training for <paramref name="iteration"/>.</remarks>
    public void ContributionCounted(int iteration)
    {
        if (_pendingClientControl is { } pending && pending.Iteration == iteration)
        {
            _clientControl = pending.Control;
            _pendingClientControl = null;
        }
    }

    /// <inheritdoc />
    public LocalEvaluationResult? Evaluate()
    {
        if (_testData is null)
        {
            return null;
        }

        using ModelLease lease = _models.Rent();
        Trainer trainer = ForwardOnly(lease);
        EvaluationResult result = trainer.Evaluate(_testData);
        return new LocalEvaluationResult(result.Accuracy, result.MeanLoss, result.SampleCount);
    }

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<float> features, Span<int> destination)
    {
        using ModelLease lease = _models.Rent();
        ForwardOnly(lease).Predict(features, destination);
    }

    private Trainer ForwardOnly(ModelLease lease)
    {
        lease.Model.ImportParameters(ModelParametersConversion.ToNamedTensors(_parameters));
        // Evaluation never steps the optimizer; Trainer needs one to exist.
        var optimizer = new Sgd(lease.Model.Parameters, new SgdOptions());
        return new Trainer(lease.Model, optimizer, EvaluationBatchSize);
    }

    // The anchor is the plan's global model; without one it is the parameters training starts from, which a job has
    // just set to the global model.
    private ProximalOptimizer Proximal(IOptimizer optimizer, ModelLease lease, LocalTrainingPlan plan, double mu)
    {
        ModelParameters anchor = plan.GlobalModel ?? _parameters.Clone();
        string? difference = ModelParametersConversion.DescribeLayoutDifference(_parameters, anchor);
        if (difference is not null)
        {
            throw new ArgumentException($"The plan's global model does not fit this trainer's model: {difference}. FedProx pulls towards the model training starts from; send a model of the same architecture.", nameof(plan));
        }

        if (!(mu >= 0) || !double.IsFinite(mu) || mu > float.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(plan), mu, $"Iteration {plan.Iteration}'s plan asks for proximal_mu {mu}; FedProx's μ (aggregation.iid_rate) must be finite and at least 0.");
        }

        return new ProximalOptimizer(optimizer, lease.Model.Parameters, [.. anchor.Tensors.Select(t => new ReadOnlyMemory<float>(t.Values))], (float)mu);
    }

    // c from the plan, in this model's order, or null when the plan is not SCAFFOLD's.
    private ModelParameters? ServerControl(LocalTrainingPlan plan)
    {
        if (plan.Strategy.Tensors is not { } tensors || !tensors.Tensors.Any(t => t.Name.StartsWith(StrategyFieldNames.ControlVariate + "/", StringComparison.Ordinal)))
        {
            return null;
        }

        var control = new List<ParameterTensor>(_parameters.Count);
        foreach (ParameterTensor parameter in _parameters.Tensors)
        {
            string name = StrategyFieldNames.TensorName(StrategyFieldNames.ControlVariate, parameter.Name);
            if (!tensors.TryGet(name, out ParameterTensor? c) || !c.Shape.SequenceEqual(parameter.Shape))
            {
                throw new ArgumentException($"Iteration {plan.Iteration}'s plan carries SCAFFOLD's control variate but no tensor '{name}' of shape [{string.Join(", ", parameter.Shape.ToArray())}]; the server must send one 'c/<tensor name>' per model tensor.", nameof(plan));
            }

            control.Add(c);
        }

        return new ModelParameters(control);
    }

    // cᵢ⁺ waits for the server to count the update (ContributionCounted); returns Δcᵢ named for the upload.
    private ModelParameters UpdateClientControl(int iteration, ModelParameters serverControl, ModelParameters clientControl, ModelParameters start, int steps, float learningRate)
    {
        var next = new List<ParameterTensor>(_parameters.Count);
        var deltas = new List<ParameterTensor>(_parameters.Count);
        for (int t = 0; t < _parameters.Count; t++)
        {
            ParameterTensor parameter = _parameters[t];
            float[] nextValues = new float[parameter.Length];
            float[] deltaValues = new float[parameter.Length];
            ScaffoldOptimizer.UpdateClientControl(clientControl[t].Values, serverControl[t].Values, start[t].Values, parameter.Values, steps, learningRate, nextValues, deltaValues);
            next.Add(new ParameterTensor(parameter.Name, [.. parameter.Shape], nextValues));
            deltas.Add(new ParameterTensor(StrategyFieldNames.TensorName(StrategyFieldNames.ControlVariateDelta, parameter.Name), [.. parameter.Shape], deltaValues));
        }

        _pendingClientControl = (iteration, new ModelParameters(next));
        return new ModelParameters(deltas);
    }

    private static void CheckSampleSize(ModelPool models, LabeledDataset data, string parameterName)
    {
        if (data.SampleSize != models.SampleSize)
        {
            throw new ArgumentException(
                $"The data set's samples have shape [{string.Join(", ", data.SampleShape.ToArray())}] ({data.SampleSize} values) but the model takes {models.SampleSize} values per sample; pick the model built for this data set.",
                parameterName);
        }
    }
}
