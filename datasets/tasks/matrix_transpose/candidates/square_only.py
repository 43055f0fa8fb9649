def transpose(matrix):
    n = len(matrix)
    if any(len(row) != len(matrix[0]) for row in matrix):
        raise ValueError("rows have different lengths")
    return [[matrix[j][i] for j in range(n)] for i in range(n)]
