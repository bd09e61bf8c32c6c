// One scenario at a time: it starts its own services and loads both cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
