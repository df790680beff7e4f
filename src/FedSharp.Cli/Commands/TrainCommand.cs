using System.CommandLine;
using System.Diagnostics;
using FedSharp.Learning.Data;
using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;
using Spectre.Console;

namespace FedSharp.Cli.Commands;

/// <summary>`fedsharp train`: centralized training of a zoo model and its test-set evaluation.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = $"Model: {string.Join(", ", ModelZoo.Names)}", DefaultValueFactory = _ => ModelZoo.SimpleCnn };
        model.AcceptOnlyFromAmong([.. ModelZoo.Names]);
        var data = new DatasetOptions(DatasetOptions.FashionMnist);
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => 5 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step", DefaultValueFactory = _ => 64 };
        var learningRate = new Option<float>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 0.01f };
        var momentum = new Option<float>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0f };
        var weightDecay = new Option<float>("--weight-decay") { Description = "L2 weight decay", DefaultValueFactory = _ => 0f };
        var nesterov = new Option<bool>("--nesterov") { Description = "Nesterov momentum" };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd or adam", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam");
        var seed = new Option<int>("--seed") { Description = "Seeds the initial weights and the shuffling", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "JSON Lines on stdout: one object per epoch, then the summary" };

        var command = new Command("train", "Train a model centrally on one thread and evaluate it on the test set")
        {
            model, epochs, batchSize, learningRate, momentum, weightDecay, nesterov, optimizer, seed, json,
        };
        data.AddTo(command);
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            int epochCount = Positive(parse.GetValue(epochs), "--epochs");
            int batch = Positive(parse.GetValue(batchSize), "--batch-size");
            bool asJson = parse.GetValue(json);
            TrainTestSplit split = data.Locate(parse).Load();
            Sequential network = ModelZoo.Create(parse.GetValue(model)!, parse.GetValue(seed));
            IOptimizer step = parse.GetValue(optimizer) == "adam"
                ? new Adam(network.Parameters, new AdamOptions { LearningRate = parse.GetValue(learningRate), WeightDecay = parse.GetValue(weightDecay) })
                : new Sgd(network.Parameters, new SgdOptions
                {
                    LearningRate = parse.GetValue(learningRate),
                    Momentum = parse.GetValue(momentum),
                    WeightDecay = parse.GetValue(weightDecay),
                    Nesterov = parse.GetValue(nesterov),
                });
            var trainer = new Trainer(network, step, batch);
            var shuffle = new Random(parse.GetValue(seed));

            var clock = Stopwatch.StartNew();
            long samples = 0;
            await TerminalProgress.RunAsync(asJson, $"training {parse.GetValue(model)}", report =>
            {
                for (int epoch = 1; epoch <= epochCount; epoch++)
                {
                    token.ThrowIfCancellationRequested();
                    EpochResult result = trainer.TrainEpoch(split.Train, shuffle);
                    samples += result.SampleCount;
                    report(epoch, epochCount);
                    if (asJson)
                    {
                        JsonLines.Write(Console.Out, new EpochLine(epoch, result.MeanLoss, clock.Elapsed.TotalSeconds));
                    }
                }

                return Task.FromResult(0);
            });
            double trainSeconds = clock.Elapsed.TotalSeconds;
            EvaluationResult test = trainer.Evaluate(split.Test);
            var summary = new TrainSummary(test.Accuracy, test.MeanLoss, trainSeconds, samples / trainSeconds);
            if (asJson)
            {
                JsonLines.Write(Console.Out, summary);
            }
            else
            {
                AnsiConsole.MarkupLine($"test accuracy [bold]{test.Accuracy:P2}[/] (loss {test.MeanLoss:F4}) after {epochCount} epochs in {trainSeconds:F1} s, {summary.SamplesPerSecond:F0} samples/s");
            }

            return 0;
        }, ct));
        return command;
    }

    internal static int Positive(int value, string option) =>
        value >= 1 ? value : throw new ArgumentException($"{option} must be at least 1; got {value}.");

    private sealed record EpochLine(int Epoch, double Loss, double Seconds);

    private sealed record TrainSummary(double TestAccuracy, double TestLoss, double TrainSeconds, double SamplesPerSecond);
}
