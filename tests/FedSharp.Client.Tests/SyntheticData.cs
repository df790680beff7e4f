using FedSharp.Learning.Data;

namespace FedSharp.Client.Tests;

/// <summary>Ten separable classes of 28×28 images: class c lights up its own band of pixels, plus Gaussian noise.</summary>
internal static class SyntheticData
{
    public static LabeledDataset Create(int count, int seed)
    {
        var random = new Random(seed);
        float[] features = new float[count * 784];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(10);
            labels[i] = label;
            Span<float> sample = features.AsSpan(i * 784, 784);
            for (int p = 0; p < 784; p++)
            {
                double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                sample[p] = (float)(0.3 * noise) + (p / 78 == label ? 1f : 0f);
            }
        }

        return new LabeledDataset(features, labels, [1, 28, 28], 10);
    }
}
