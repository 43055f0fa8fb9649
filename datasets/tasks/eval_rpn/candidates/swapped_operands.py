import operator

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": lambda a, b: int(a / b)}


def eval_rpn(expression):
    stack = []
    for token in expression.split():
        if token in OPS:
            if len(stack) < 2:
                raise ValueError("not enough operands")
            a, b = stack.pop(), stack.pop()
            stack.append(OPS[token](a, b))
        else:
            stack.append(int(token))
    if len(stack) != 1:
        raise ValueError("malformed expression")
    return stack[0]
