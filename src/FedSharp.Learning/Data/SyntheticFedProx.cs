using FedSharp.Learning.Data.Sampling;

namespace FedSharp.Learning.Data;

/// <summary>
/// Generates FedProx's Synthetic(α, β) federated data set (Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith,
/// "Federated Optimization in Heterogeneous Networks", MLSys 2020, §5.1), following the authors' generator
/// <c>litian96/FedProx data/synthetic_1_1/generate_synthetic.py</c>:
/// device k has n_k = int(lognormal(4, 2)) + 50 samples; u_k ~ N(0, α), W_k ~ N(u_k, 1) of shape [d, C],
/// b_k ~ N(u_k, 1); B_k ~ N(0, β), v_k ~ N(B_k, 1) per coordinate; x ~ N(v_k, Σ) with Σ diagonal,
/// Σ_jj = j^(−1.2) for j = 1..d; y = argmax softmax(x W_k + b_k). As in that code, α and β are the standard
/// deviations passed to <c>np.random.normal</c>.
/// </summary>
public static class SyntheticFedProx
{
    /// <summary>Generates the devices' samples; the same options and seed give the same data.</summary>
    /// <param name="options">α, β and sizes.</param>
    /// <param name="random">The seeded source of randomness.</param>
    /// <returns>All samples with shape [Dimension], grouped by device; user ids are <c>f_00000</c>, <c>f_00001</c>, ….</returns>
    public static UserPartitionedDataset Generate(SyntheticFedProxOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        int devices = options.DeviceCount;
        int d = options.Dimension;
        int classes = options.ClassCount;

        var sizes = new int[devices];
        long total = 0;
        for (int k = 0; k < devices; k++)
        {
            double lognormal = Math.Exp(NormalDistribution.Sample(random, options.SizeLogMean, options.SizeLogSigma));
            sizes[k] = (int)Math.Min(options.MaxSamplesPerDevice, Math.Floor(Math.Min(lognormal, int.MaxValue)) + options.MinSamplesPerDevice);
            total += sizes[k];
        }

        if (total * d > Array.MaxLength)
        {
            throw new ArgumentException($"{total} samples of dimension {d} do not fit in one buffer; lower {nameof(options.DeviceCount)} or {nameof(options.MaxSamplesPerDevice)}.", nameof(options));
        }

        var standardDeviations = new double[d];
        for (int j = 0; j < d; j++)
        {
            standardDeviations[j] = Math.Sqrt(Math.Pow(j + 1, -1.2));
        }

        var modelMeans = new double[devices];
        var inputMeans = new double[devices][];
        for (int k = 0; k < devices; k++)
        {
            modelMeans[k] = options.Iid ? 0 : NormalDistribution.Sample(random, 0, options.Alpha);
        }

        for (int k = 0; k < devices; k++)
        {
            double center = options.Iid ? 0 : NormalDistribution.Sample(random, 0, options.Beta);
            inputMeans[k] = new double[d];
            if (!options.Iid)
            {
                for (int j = 0; j < d; j++)
                {
                    inputMeans[k][j] = NormalDistribution.Sample(random, center, 1);
                }
            }
        }

        double[] sharedWeights = options.Iid ? DrawNormal(random, d * classes, 0) : [];
        double[] sharedBias = options.Iid ? DrawNormal(random, classes, 0) : [];

        var features = new float[total * d];
        var labels = new int[total];
        var userIds = new string[devices];
        var userIndices = new int[devices][];
        var x = new double[d];
        var logits = new double[classes];
        int sample = 0;
        for (int k = 0; k < devices; k++)
        {
            double[] weights = options.Iid ? sharedWeights : DrawNormal(random, d * classes, modelMeans[k]);
            double[] bias = options.Iid ? sharedBias : DrawNormal(random, classes, modelMeans[k]);
            userIds[k] = $"f_{k:D5}";
            userIndices[k] = Enumerable.Range(sample, sizes[k]).ToArray();
            for (int n = 0; n < sizes[k]; n++, sample++)
            {
                Span<float> row = features.AsSpan(sample * d, d);
                for (int j = 0; j < d; j++)
                {
                    x[j] = inputMeans[k][j] + standardDeviations[j] * NormalDistribution.Sample(random);
                    row[j] = (float)x[j];
                }

                labels[sample] = ArgmaxOfAffine(x, weights, bias, logits);
            }
        }

        var samples = new LabeledDataset(features, labels, [d], classes);
        return new UserPartitionedDataset(samples, userIds, userIndices);
    }

    private static double[] DrawNormal(Random random, int count, double mean)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = NormalDistribution.Sample(random, mean, 1);
        }

        return values;
    }

    // softmax is monotone, so argmax softmax(xW + b) = argmax (xW + b); W is [d, C] row-major as in numpy.
    private static int ArgmaxOfAffine(ReadOnlySpan<double> x, ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, Span<double> logits)
    {
        bias.CopyTo(logits);
        int classes = bias.Length;
        for (int j = 0; j < x.Length; j++)
        {
            ReadOnlySpan<double> row = weights.Slice(j * classes, classes);
            for (int c = 0; c < classes; c++)
            {
                logits[c] += x[j] * row[c];
            }
        }

        int best = 0;
        for (int c = 1; c < classes; c++)
        {
            if (logits[c] > logits[best])
            {
                best = c;
            }
        }

        return best;
    }
}
