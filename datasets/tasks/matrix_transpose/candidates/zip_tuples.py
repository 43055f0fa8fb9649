def transpose(matrix):
    if any(len(row) != len(matrix[0]) for row in matrix):
        raise ValueError("rows have different lengths")
    return list(zip(*matrix))
