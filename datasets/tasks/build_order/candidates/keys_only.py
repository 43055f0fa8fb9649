import heapq


def build_order(deps):
    waiting = {target: set(requirements) for target, requirements in deps.items()}
    dependents = {target: [] for target in deps}
    for target, requirements in deps.items():
        for requirement in requirements:
            dependents[requirement].append(target)
    ready = [target for target, missing in waiting.items() if not missing]
    heapq.heapify(ready)
    order = []
    while ready:
        target = heapq.heappop(ready)
        order.append(target)
        for dependent in dependents[target]:
            waiting[dependent].discard(target)
            if not waiting[dependent]:
                heapq.heappush(ready, dependent)
    if len(order) != len(waiting):
        raise ValueError("the dependencies contain a cycle")
    return order
