namespace FedSharp.Learning.Data.Sampling;

/// <summary>Draws probability vectors from the Dirichlet distribution by normalising independent Gamma draws.</summary>
public static class DirichletDistribution
{
    /// <summary>The smallest concentration accepted: log(U)/β stays finite down to about 2e-307.</summary>
    public const double MinimumConcentration = 1e-300;

    /// <summary>
    /// Draws p ~ Dir(<paramref name="concentration"/> · 1) into <paramref name="destination"/>; the entries are
    /// non-negative and sum to 1.
    /// </summary>
    /// <param name="random">The seeded source of randomness.</param>
    /// <param name="concentration">The symmetric concentration β &gt; 0; small β gives skewed vectors.</param>
    /// <param name="destination">Receives the probabilities; its length is the dimension (≥ 1).</param>
    public static void Sample(Random random, double concentration, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (destination.IsEmpty)
        {
            throw new ArgumentException("A Dirichlet draw needs a destination of length ≥ 1.", nameof(destination));
        }

        if (!(concentration >= MinimumConcentration) || double.IsInfinity(concentration))
        {
            throw new ArgumentOutOfRangeException(
                nameof(concentration), concentration, $"The Dirichlet concentration β must be finite and at least {MinimumConcentration:R}; smaller values overflow even in log space (β = 1e-3 already gives one-hot vectors).");
        }

        // Normalise in log space: subtracting the largest logarithm makes that entry exactly 1, so the sum is at least
        // 1 for any β. (Normalising the Gamma values themselves divides by zero once they all underflow, which tiny
        // β makes near-certain.)
        double largest = double.NegativeInfinity;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = GammaDistribution.SampleLog(random, concentration);
            largest = Math.Max(largest, destination[i]);
        }

        double sum = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Math.Exp(destination[i] - largest);
            sum += destination[i];
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] /= sum;
        }
    }
}
