using System.CommandLine;
using FedSharp.Learning.Data;
using FedSharp.Learning.Kernels;
using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;
using Spectre.Console;

namespace FedSharp.Cli.Commands;

/// <summary>`fedsharp bench …`: measurements of the engine that benchmarks/ compares with reference tools.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure the training engine (see benchmarks/ and docs/benchmarks.md)");
        command.Subcommands.Add(CreateTrain());
        command.Subcommands.Add(CreateGemm());
        return command;
    }

    private static Command CreateGemm()
    {
        var size = new Option<int>("--size") { Description = "m = n = k of the square multiply", DefaultValueFactory = _ => 256 };
        var seconds = new Option<double>("--seconds") { Description = "Timed window for the GEMM and for the peak probe, each", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print {\"gemm_gflops\", \"peak_gflops\", \"fraction_of_peak\", …} as the last line" };
        var command = new Command("gemm", "Single-thread SGEMM throughput against the core's measured FMA peak") { size, seconds, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(token =>
        {
            int n = TrainCommand.Positive(parse.GetValue(size), "--size");
            TimeSpan window = Seconds(parse.GetValue(seconds), "--seconds");
            var random = new Random(0);
            float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = random.NextSingle() - 0.5f;
                b[i] = random.NextSingle() - 0.5f;
            }

            // Warm up until the JIT has settled, then count whole multiplies in the window; best of three windows.
            long start = Environment.TickCount64;
            while (Environment.TickCount64 - start < 1000)
            {
                Gemm.Multiply(false, false, n, n, n, a, n, b, n, 0f, c, n);
            }

            double best = 0;
            for (int trial = 0; trial < 3; trial++)
            {
                token.ThrowIfCancellationRequested();
                long calls = 0;
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                TimeSpan elapsed;
                do
                {
                    Gemm.Multiply(false, false, n, n, n, a, n, b, n, 0f, c, n);
                    calls++;
                    elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(t0);
                }
                while (elapsed < window / 3);
                best = Math.Max(best, 2.0 * n * n * n * calls / elapsed.TotalSeconds / 1e9);
            }

            double peak = PeakFlops.MeasureGflops(window);
            var summary = new GemmSummary(n, PeakFlops.VectorPath, best, peak, best / peak);
            if (parse.GetValue(json))
            {
                JsonLines.Write(Console.Out, summary);
            }
            else
            {
                AnsiConsole.MarkupLine($"SGEMM {n}×{n}×{n} ({summary.VectorPath}): [bold]{best:F1}[/] GFLOP/s = {summary.FractionOfPeak:P0} of the measured peak {peak:F1} GFLOP/s");
            }

            return Task.FromResult(0);
        }, ct));
        return command;
    }

    private static Command CreateTrain()
    {
        var model = new Option<string>("--model") { Description = $"Model: {string.Join(", ", ModelZoo.Names)}", DefaultValueFactory = _ => ModelZoo.SimpleCnn };
        model.AcceptOnlyFromAmong([.. ModelZoo.Names]);
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step", DefaultValueFactory = _ => 64 };
        var threads = new Option<int>("--threads") { Description = "Independent trainers, one per thread (like simulated clients)", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { Description = "Timed window after a warm-up", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup-seconds") { Description = "Untimed training first, so the JIT has optimised the hot paths", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "Print {\"samples_per_second\": …} as the last line" };
        var command = new Command("train", "Training throughput in samples per second: SGD (lr 0.01, momentum 0.9) on the bundled Fashion-MNIST subset")
        {
            model, batchSize, threads, seconds, warmup, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(async token =>
        {
            string name = parse.GetValue(model)!;
            int batch = TrainCommand.Positive(parse.GetValue(batchSize), "--batch-size");
            int threadCount = TrainCommand.Positive(parse.GetValue(threads), "--threads");
            TimeSpan window = Seconds(parse.GetValue(seconds), "--seconds");
            double warmupSeconds = parse.GetValue(warmup);
            LabeledDataset data = BenchmarkData(name);

            // Each thread owns its model, optimizer and buffers, as each simulated client does.
            Task<ThroughputResult>[] runs = [.. Enumerable.Range(0, threadCount).Select(i => Task.Factory.StartNew(
                () =>
                {
                    Sequential network = ModelZoo.Create(name, seed: i);
                    var sgd = new Sgd(network.Parameters, new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f });
                    if (warmupSeconds > 0)
                    {
                        TrainingThroughput.Measure(network, sgd, data, batch, TimeSpan.FromSeconds(warmupSeconds), TimeProvider.System);
                    }

                    return TrainingThroughput.Measure(network, sgd, data, batch, window, TimeProvider.System);
                },
                token, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
            ThroughputResult[] results = await Task.WhenAll(runs);
            double total = results.Sum(r => r.SamplesPerSecond);
            if (parse.GetValue(json))
            {
                JsonLines.Write(Console.Out, new BenchSummary(name, batch, threadCount, total));
            }
            else
            {
                AnsiConsole.MarkupLine($"{name}, batch {batch}, {threadCount} thread(s): [bold]{total:F0}[/] samples/s");
            }

            return 0;
        }, ct));
        return command;
    }

    // Real images when the model takes Fashion-MNIST's shape, so the work matches PyTorch's twin; otherwise
    // seeded uniform pixels of the model's own input shape (the arithmetic does not depend on the values).
    private static LabeledDataset BenchmarkData(string modelName)
    {
        Sequential probe = ModelZoo.Create(modelName, seed: 0);
        int[] shape = probe.InputShape.ToArray();
        if (shape.SequenceEqual([1, 28, 28]) && probe.OutputSize == 10)
        {
            DatasetSearchResult found = new DatasetLocator(new DatasetLocatorOptions { UseBundledSubset = true }).Search();
            if (found.Found)
            {
                return found.Location!.LoadTrain();
            }
        }

        var random = new Random(0);
        const int Samples = 1024;
        float[] features = new float[Samples * probe.InputSize];
        int[] labels = new int[Samples];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = random.NextSingle();
        }

        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = random.Next(probe.OutputSize);
        }

        return new LabeledDataset(features, labels, shape, probe.OutputSize);
    }

    private static TimeSpan Seconds(double value, string option) =>
        value > 0 && double.IsFinite(value) ? TimeSpan.FromSeconds(value) : throw new ArgumentException($"{option} must be a positive number of seconds; got {value}.");

    private sealed record GemmSummary(int Size, string VectorPath, double GemmGflops, double PeakGflops, double FractionOfPeak);

    private sealed record BenchSummary(string Model, int BatchSize, int Threads, double SamplesPerSecond);
}
