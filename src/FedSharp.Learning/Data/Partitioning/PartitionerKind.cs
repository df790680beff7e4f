namespace FedSharp.Learning.Data.Partitioning;

/// <summary>The partitioners <see cref="PartitionerFactory"/> builds; see <see cref="PartitionerOptions.Parse"/> for their config names.</summary>
public enum PartitionerKind
{
    /// <summary>IID: NIID-Bench <c>homo</c>. Config name <c>iid</c> or <c>homo</c>.</summary>
    Iid,

    /// <summary>Dirichlet label skew: NIID-Bench <c>noniid-labeldir</c>. Config name <c>dirichlet</c> or <c>noniid-labeldir</c>.</summary>
    DirichletLabelSkew,

    /// <summary>K labels per client: NIID-Bench <c>noniid-#label{K}</c>. Config name <c>labels</c> or <c>noniid-#label2</c>.</summary>
    LabelCount,

    /// <summary>Quantity skew: NIID-Bench <c>iid-diff-quantity</c>. Config name <c>quantity</c> or <c>iid-diff-quantity</c>.</summary>
    QuantitySkew,

    /// <summary>Pathological label-sorted shards of the FedAvg paper. Config name <c>shards</c>.</summary>
    Shards,

    /// <summary>Natural partition by user (LEAF, Synthetic). Config name <c>natural</c>.</summary>
    Natural,
}
