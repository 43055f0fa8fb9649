def build_order(deps):
    order = []
    state = {}

    def visit(target):
        if state.get(target) == "done":
            return
        if state.get(target) == "active":
            raise ValueError("the dependencies contain a cycle")
        state[target] = "active"
        for requirement in sorted(deps.get(target, [])):
            visit(requirement)
        state[target] = "done"
        order.append(target)

    for target in sorted(deps):
        visit(target)
    return order
