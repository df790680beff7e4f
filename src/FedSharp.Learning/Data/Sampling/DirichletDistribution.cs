namespace FedSharp.Learning.Data.Sampling;

/// <summary>Draws probability vectors from the Dirichlet distribution by normalising independent Gamma draws.</summary>
public static class DirichletDistribution
{
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

        while (true)
        {
            double sum = 0;
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = GammaDistribution.Sample(random, concentration);
                sum += destination[i];
            }

            // With a tiny β every Gamma draw can underflow to zero; such a draw has no direction, so draw again.
            if (sum > 0)
            {
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] /= sum;
                }

                return;
            }
        }
    }
}
