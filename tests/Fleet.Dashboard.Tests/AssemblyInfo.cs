// The budgets asserted here (markers within 5 s, an alert within 2 s) are a dispatcher's experience on an unloaded
// host: two hosts and browsers side by side on a 2-core machine would measure each other instead.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
